using System.CommandLine;
using Mote.Convert.Export;
using Mote.Format;
using Spectre.Console;

namespace Mote.Cli.Commands;

/// <summary><c>mote export MODEL.mote -o MODEL.onnx</c>: the model as ONNX (an int8 model as QuantizeLinear/QLinearConv/DequantizeLinear).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "The .mote model to export." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the ONNX file (default: next to the input)." };
        var cmd = new Command("export", "Write a .mote model back as ONNX, e.g. to run an int8 conversion with ONNX Runtime.") { input, output };
        CommandRunner.SetAction(cmd, parse =>
        {
            var src = parse.GetValue(input)!;
            var dst = parse.GetValue(output) ?? Path.ChangeExtension(src, ".onnx");
            using var file = MoteFile.Open(src);
            try
            {
                OnnxExporter.Write(file.Model, dst);
            }
            catch (NotSupportedException e)
            {
                throw new Mote.Runtime.MoteNotSupportedException($"{Path.GetFileName(src)} cannot be written as ONNX: {e.Message}");
            }
            AnsiConsole.MarkupLineInterpolated($"wrote [bold]{dst}[/] ({Units.Bytes(new FileInfo(dst).Length)}) from {src}");
            return CommandRunner.Ok;
        });
        return cmd;
    }
}
