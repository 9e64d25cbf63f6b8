using Mote.Cli.Npy;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>The <c>mote</c> command end to end on a real model, and its behaviour on broken files.</summary>
public sealed class CliTests : IDisposable
{
    private static readonly string MnistOnnx = SharedData.Path("models", "mnist", "mnist.onnx");
    private readonly string _dir = Directory.CreateTempSubdirectory("mote-cli-").FullName;

    private string Convert()
    {
        var mote = Path.Combine(_dir, "mnist.mote");
        var r = CliRunner.Run("convert", MnistOnnx, "-o", mote);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        return mote;
    }

    [Fact]
    public void ConvertRunInfoVerifyBenchOnMnist()
    {
        var convert = CliRunner.Run("convert", MnistOnnx, "-o", Path.Combine(_dir, "mnist.mote"));
        Assert.Equal(0, convert.ExitCode);
        Assert.Contains("Conv", convert.Stdout);
        Assert.Contains("parameters:", convert.Stdout);
        Assert.Contains("FuseActivation", convert.Stdout);
        var mote = Path.Combine(_dir, "mnist.mote");

        var input = Path.Combine(_dir, "x.npy");
        var pixels = CsvData.Numbers(SharedData.Path("models", "mnist", "mnist_28.csv"));
        NpyFile.Write(input, Mote.Runtime.Tensor.FromArray(pixels, 1, 1, 28, 28));
        var outDir = Path.Combine(_dir, "out");
        var run = CliRunner.Run("run", mote, "--input", $"Input3={input}", "--output-dir", outDir, "--top", "1");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var logits = NpyFile.Read(Path.Combine(outDir, "Plus214_Output_0.npy")).ToArray<float>();
        Assert.Equal(8, Array.IndexOf(logits, logits.Max()));

        var info = CliRunner.Run("info", mote, "--json");
        Assert.Equal(0, info.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(info.Stdout);
        Assert.Equal("Input3", doc.RootElement.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.True(doc.RootElement.GetProperty("arena_bytes").GetInt64() > 0);
        Assert.Equal("1.0", doc.RootElement.GetProperty("format_version").GetString());

        var verify = CliRunner.Run("verify", MnistOnnx, mote, "--input", $"Input3={input}");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("ok", verify.Stdout);

        var bench = CliRunner.Run("bench", mote, "--json", "--runs", "5", "--warmup", "1", "--min-seconds", "0", "--vs-onnxruntime", MnistOnnx);
        Assert.True(bench.ExitCode == 0, bench.Stderr);
        using var b = System.Text.Json.JsonDocument.Parse(bench.Stdout);
        foreach (var key in new[] { "min_ms", "p50_ms", "p90_ms", "peak_rss_mb" })
            Assert.True(b.RootElement.GetProperty(key).GetDouble() > 0, key);
        Assert.True(b.RootElement.GetProperty("onnxruntime").GetProperty("p50_ms").GetDouble() > 0);

        // --profile also brings back ONNX Runtime's own per-node profile of the same runs (MNIST: two Conv nodes at least).
        var profiled = CliRunner.Run("bench", mote, "--json", "--profile", "--runs", "5", "--warmup", "1", "--min-seconds", "0", "--vs-onnxruntime", MnistOnnx);
        Assert.True(profiled.ExitCode == 0, profiled.Stderr);
        using var p = System.Text.Json.JsonDocument.Parse(profiled.Stdout);
        var ort = p.RootElement.GetProperty("onnxruntime").GetProperty("profile");
        Assert.True(ort.GetProperty("runs").GetInt32() >= 5);
        var conv = ort.GetProperty("ops").EnumerateArray().Single(o => o.GetProperty("op").GetString() == "Conv");
        Assert.True(conv.GetProperty("nodes").GetInt32() >= 2 && conv.GetProperty("ms_per_run").GetDouble() > 0);
        Assert.NotEmpty(ort.GetProperty("nodes").EnumerateArray());
    }

    public static TheoryData<string, string[]> OtherKinds() => new()
    {
        // A detector's scores on noise are all near zero: that passes through the absolute tolerance.
        { "ocr-models/assets/ch_PP-OCRv4_det_infer.onnx", ["--dim", "p2o.DynamicDimension.0=1", "--dim", "p2o.DynamicDimension.1=96", "--dim", "p2o.DynamicDimension.2=160"] },
        { "ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx", ["--dim", "p2o.DynamicDimension.0=2", "--dim", "p2o.DynamicDimension.1=200"] },
        { "ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx", ["--dim", "p2o.DynamicDimension.0=3", "--dim", "p2o.DynamicDimension.1=48", "--dim", "p2o.DynamicDimension.2=192"] },
        { "minilm/model.onnx", ["--dim", "batch=2", "--dim", "sequence=17"] },
    };

    [Theory]
    [MemberData(nameof(OtherKinds))]
    public void VerifyAgreesOnTheOtherKindsOfModel(string model, string[] dims)
    {
        var verify = CliRunner.Run(["verify", Mote.Models.Tests.FetchedModels.File(model.Split('/')), .. dims]);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        // And it can fail: a tolerance no float computation meets.
        var strict = CliRunner.Run(["verify", Mote.Models.Tests.FetchedModels.File(model.Split('/')), .. dims, "--tolerance", "0", "--min-cosine", "1.1", "--atol", "0"]);
        Assert.True(strict.ExitCode != 0, strict.Stdout);
        Assert.Contains("MISMATCH", strict.Stdout);
    }

    [Fact]
    public void InfoCpuNamesTheChosenKernels()
    {
        var r = CliRunner.Run("info", "--cpu", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("kernels").GetProperty("Sgemm").GetString()));
    }

    public static TheoryData<string> BrokenKinds() => new(["truncated", "flipped", "empty", "png"]);

    [Theory]
    [MemberData(nameof(BrokenKinds))]
    public void BrokenMoteFilesGiveOneLineErrorsFromEveryCommand(string kind)
    {
        var good = File.ReadAllBytes(Convert());
        var bad = Path.Combine(_dir, $"bad-{kind}.mote");
        File.WriteAllBytes(bad, Break(good, kind));
        foreach (var args in new[] { new[] { "run", bad, "--random-inputs" }, ["info", bad], ["bench", bad, "--runs", "1"], ["verify", MnistOnnx, bad] })
            AssertOneLineError(CliRunner.Run(args), args[0]);
    }

    [Theory]
    [MemberData(nameof(BrokenKinds))]
    public void BrokenOnnxFilesGiveOneLineErrors(string kind)
    {
        var bad = Path.Combine(_dir, $"bad-{kind}.onnx");
        File.WriteAllBytes(bad, Break(File.ReadAllBytes(MnistOnnx), kind));
        AssertOneLineError(CliRunner.Run("convert", bad, "-o", Path.Combine(_dir, "x.mote")), "convert");
        AssertOneLineError(CliRunner.Run("verify", bad), "verify");
        Assert.False(File.Exists(Path.Combine(_dir, "x.mote")));
    }

    [Fact]
    public void ConvertToFp16AndInt8ReportsAccuracyOnCalibrationSamples()
    {
        // Two samples in the folder layout: one subfolder each, one INPUTNAME.npy per model input.
        var calibration = Path.Combine(_dir, "calibration");
        var pixels = CsvData.Numbers(SharedData.Path("models", "mnist", "mnist_28.csv"));
        for (int s = 0; s < 2; s++)
        {
            Directory.CreateDirectory(Path.Combine(calibration, $"sample{s}"));
            NpyFile.Write(Path.Combine(calibration, $"sample{s}", "Input3.npy"),
                Mote.Runtime.Tensor.FromArray(pixels.Select(v => s == 0 ? v : 255 - v).ToArray(), 1, 1, 28, 28));
        }
        var mote = Path.Combine(_dir, "mnist16.mote");
        var r = CliRunner.Run("convert", MnistOnnx, "-o", mote, "--precision", "fp16", "--calibration", calibration);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("Float16Weights", r.Stdout);
        Assert.Contains("accuracy against the float model", r.Stdout);
        Assert.Contains("Plus214", r.Stdout);
        Assert.Contains("layers by SQNR", r.Stdout);
        var run = CliRunner.Run("run", mote, "--input", $"Input3={Path.Combine(calibration, "sample0", "Input3.npy")}", "--top", "1");
        Assert.True(run.ExitCode == 0, run.Stderr);

        var int8 = Path.Combine(_dir, "mnist8.mote");
        var q = CliRunner.Run("convert", MnistOnnx, "-o", int8, "--precision", "int8", "--calibration", calibration, "--calibration-method", "minmax");
        Assert.True(q.ExitCode == 0, q.Stderr + q.Stdout);
        Assert.Contains("QLinearConv", q.Stdout);
        Assert.Contains("accuracy against the float model", q.Stdout);
        var runQ = CliRunner.Run("run", int8, "--input", $"Input3={Path.Combine(calibration, "sample0", "Input3.npy")}", "--top", "1");
        Assert.True(runQ.ExitCode == 0, runQ.Stderr);
        AssertOneLineError(CliRunner.Run("convert", MnistOnnx, "-o", int8, "--precision", "int8"), "convert");
        // Exported, the int8 model runs in ONNX Runtime (verify: Mote on the .mote against ONNX Runtime on the export).
        var exported = Path.Combine(_dir, "mnist8.onnx");
        var export = CliRunner.Run("export", int8, "-o", exported);
        Assert.True(export.ExitCode == 0, export.Stderr);
        var verifyQ = CliRunner.Run("verify", exported, int8, "--input", $"Input3={Path.Combine(calibration, "sample0", "Input3.npy")}", "--tolerance", "0.02", "--min-cosine", "0.999");
        Assert.True(verifyQ.ExitCode == 0, verifyQ.Stdout + verifyQ.Stderr);

        AssertOneLineError(CliRunner.Run("convert", MnistOnnx, "-o", mote, "--precision", "fp16", "--calibration", Path.Combine(_dir, "none")), "convert");
        Directory.CreateDirectory(Path.Combine(calibration, "sample2"));
        var missing = CliRunner.Run("convert", MnistOnnx, "-o", mote, "--precision", "fp16", "--calibration", calibration);
        AssertOneLineError(missing, "convert");
        Assert.Contains("Input3", missing.Stderr);
        Assert.NotEqual(0, CliRunner.Run("convert", MnistOnnx, "-o", mote, "--precision", "fp8").ExitCode);
    }

    [Fact]
    public void WrongInputsAndMissingFilesGiveOneLineErrors()
    {
        var mote = Convert();
        AssertOneLineError(CliRunner.Run("run", mote, "--input", "nope=x.npy"), "run");
        AssertOneLineError(CliRunner.Run("run", mote), "run");
        AssertOneLineError(CliRunner.Run("run", Path.Combine(_dir, "missing.mote")), "run");
        var wrongShape = Path.Combine(_dir, "wrong.npy");
        NpyFile.Write(wrongShape, Mote.Runtime.Tensor.FromArray(new float[10], 1, 10));
        var r = CliRunner.Run("run", mote, "--input", $"Input3={wrongShape}");
        AssertOneLineError(r, "run");
        Assert.Contains("Input3", r.Stderr);
    }

    [Fact]
    public void VerifyPassesOnSileroVadWithRealInputsAndExplainsRandomOnes()
    {
        var onnx = FetchedModels.File("silero-vad", "silero_vad.onnx");
        var audio = WavFile.Read(SharedData.Path("data", "audio", "speech_16k.wav")).Samples;
        var inputs = new List<string>();
        foreach (var (name, tensor) in new[]
        {
            // Window 100 (3.2 s in) with the 64 samples before it, as the model's wrappers feed it.
            ("input", SileroVadStream.Input([audio], 100)),
            ("state", Mote.Runtime.Tensor.Zeros(Mote.Format.DataType.Float32, 2, 1, 128)),
            ("sr", Mote.Runtime.Tensor.Scalar((long)SileroVadStream.SampleRate)),
        })
        {
            var path = Path.Combine(_dir, name + ".npy");
            NpyFile.Write(path, tensor);
            inputs.AddRange(["--input", $"{name}={path}"]);
        }
        var verify = CliRunner.Run(["verify", onnx, .. inputs]);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("ok", verify.Stdout);

        // Random inputs leave the sample count at 1, too short for the STFT convolution: the one-line
        // error must say which sizes were guessed and how to set them.
        var random = CliRunner.Run("verify", onnx);
        AssertOneLineError(random, "verify");
        Assert.Contains("Conv", random.Stderr);
        Assert.Contains("symbolic dimensions left at 1", random.Stderr);
        Assert.Contains("--dim", random.Stderr);
    }

    [Fact]
    public void VerifyPassesOnIfLessSileroVadWithDimsForRandomInputs()
    {
        var onnx = FetchedModels.File("silero-vad", "silero_vad_op18_ifless.onnx");
        // A random sr (0 or 1) takes the 8 kHz branch, whose 128-sample STFT fits in 576 samples.
        var verify = CliRunner.Run("verify", onnx, "--dim", "batch=2", "--dim", "sequence=576");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("f32[2,2,128]", verify.Stdout);
    }

    private static byte[] Break(byte[] good, string kind) => kind switch
    {
        "truncated" => good[..(good.Length / 2)],
        "flipped" => Flip(good),
        "empty" => [],
        _ => File.ReadAllBytes(SharedData.Path("models", "mnist", "mnist_28.png")),
    };

    private static byte[] Flip(byte[] good)
    {
        var b = (byte[])good.Clone();
        for (int i = 37; i < b.Length; i += 97)
            b[i] ^= 0x5A;
        return b;
    }

    private static void AssertOneLineError(CliRunner.Result r, string command)
    {
        Assert.True(r.ExitCode != 0, $"{command}: expected failure, got exit 0: {r.Stdout}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{command}: expected one line on stderr, got:\n{r.Stderr}");
        Assert.StartsWith("mote: error: ", lines[0]);
        Assert.DoesNotContain(" at Mote.", r.Stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
