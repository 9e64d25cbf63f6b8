using System.CommandLine;

namespace Mote.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CliOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print full exception details on errors.",
        Recursive = true,
    };

    public static Option<int> Threads() => new("--threads", "-t")
    {
        Description = "Threads per run (including the calling thread).",
        DefaultValueFactory = _ => 1,
    };

    public static Option<string[]> Inputs() => new("--input", "-i")
    {
        Description = "An input as NAME=FILE, where FILE is .npy, an ONNX TensorProto .pb, or an image (.png/.jpg/.bmp); repeat for several inputs.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string[]> Dims() => new("--dim")
    {
        Description = "Value of a symbolic dimension as NAME=VALUE (for random inputs and images); repeatable. Unset symbols are 1.",
    };

    public static Option<bool> RandomInputs() => new("--random-inputs")
    {
        Description = "Fill inputs not given with --input with deterministic random data.",
    };

    public static Option<int> Seed() => new("--seed")
    {
        Description = "Seed for --random-inputs.",
        DefaultValueFactory = _ => 1,
    };

    public static Option<bool> Bgr() => new("--bgr") { Description = "Images: feed channels in BGR order (default RGB)." };

    public static Option<float> Scale() => new("--scale")
    {
        Description = "Images: multiply 0-255 pixel values by this before --mean/--std (e.g. 0.00392157 for 1/255).",
        DefaultValueFactory = _ => 1f,
    };

    public static Option<float[]> Mean() => new("--mean")
    {
        Description = "Images: per-channel mean to subtract after scaling (1 or 3 values).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<float[]> Std() => new("--std")
    {
        Description = "Images: per-channel std to divide by after the mean (1 or 3 values).",
        AllowMultipleArgumentsPerToken = true,
    };
}
