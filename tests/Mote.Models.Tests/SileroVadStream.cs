using Mote.Runtime;

namespace Mote.Models.Tests;

/// <summary>
/// Feeds audio to Silero VAD v6 the way its own wrappers do: 512-sample windows at 16 kHz, each preceded
/// by the 64 samples before it (zeros before the first window), so the model sees [batch, 576]; the
/// recurrent state <c>stateN</c> of one call is the <c>state</c> of the next. The exported graphs do not
/// keep that context themselves: without it the STFT sees a different signal and speech scores near zero.
/// </summary>
internal static class SileroVadStream
{
    public const int SampleRate = 16000;
    public const int Window = 512;
    public const int Context = 64;

    /// <summary>One model call: the inputs in, the speech probability [batch,1] and the next state out.</summary>
    public delegate (Tensor Output, Tensor State) Step(NamedTensor[] inputs);

    /// <summary>A step through a Mote session.</summary>
    public static Step Mote(InferenceSession session) => inputs =>
    {
        var o = session.Run(inputs);
        return (o["output"], o["stateN"]);
    };

    /// <summary>A step through ONNX Runtime.</summary>
    public static Step Reference(Cli.Reference.OnnxRuntimeRunner ort) => inputs =>
    {
        var o = ort.Run(inputs);
        return (o.Single(t => t.Name == "output").Value, o.Single(t => t.Name == "stateN").Value);
    };

    /// <summary>Window <paramref name="frame"/> of each stream with its context, as a [streams, 576] input.</summary>
    public static Tensor Input(IReadOnlyList<float[]> streams, int frame)
    {
        const int width = Context + Window;
        var x = new float[streams.Count * width];
        for (int b = 0; b < streams.Count; b++)
        {
            int start = frame * Window - Context;
            for (int i = 0; i < width; i++)
                x[b * width + i] = start + i >= 0 ? streams[b][start + i] : 0f;
        }
        return Tensor.FromArray(x, streams.Count, width);
    }

    /// <summary>The probabilities [frame][stream] of <paramref name="frames"/> consecutive windows, starting from a zero state.</summary>
    public static float[][] Run(Step step, IReadOnlyList<float[]> streams, int frames)
    {
        var sr = Tensor.Scalar((long)SampleRate);
        var state = Tensor.Zeros(Format.DataType.Float32, 2, streams.Count, 128);
        var result = new float[frames][];
        for (int f = 0; f < frames; f++)
        {
            var (output, next) = step([new("input", Input(streams, f)), new("state", state), new("sr", sr)]);
            if (!output.Shape.SequenceEqual([streams.Count, 1]) || !next.Shape.SequenceEqual(state.Shape))
                throw new InvalidOperationException($"frame {f}: output {output}, stateN {next}");
            result[f] = output.ToArray<float>();
            state = next;
        }
        return result;
    }
}
