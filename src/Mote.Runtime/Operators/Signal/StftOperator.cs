using System.Numerics;
using Mote.Format;

namespace Mote.Runtime.Operators.Signal;

/// <summary>
/// ONNX STFT (opset 17): the short-time Fourier transform of a real ([batch, length, 1]) or complex
/// ([batch, length, 2]) signal, f32 or f64, as [batch, frames, bins, 2]. Frame f covers samples
/// f·frame_step … f·frame_step + frame_length − 1 (frames = 1 + ⌊(length − frame_length)/frame_step⌋),
/// multiplied by <c>window</c> (input 2, real, of frame_length points; all ones when omitted) and
/// transformed with a DFT of frame_length points (input 3; otherwise the window's length, otherwise the
/// whole signal). <c>onesided</c> (default 1) keeps bins 0…⌊frame_length/2⌋. frame_step and
/// frame_length shape the output, so when they are only known while running this is a dynamic step.
/// </summary>
internal sealed class StftOperator(NodeDef node) : Operator(node)
{
    private readonly bool _onesided = node.GetInt("onesided", 1) != 0;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "signal", DataType.Float32, DataType.Float64);
        var s = ctx.InputShape(0);
        if (s.Length != 3 || s[2] is not (1 or 2))
            throw new MoteShapeException($"STFT signal {ShapeMath.Format(s)} must be [batch, length, 1 or 2]");
        ctx.ExpectType(1, "frame_step", DataType.Int32, DataType.Int64);
        long step = ScalarInput.Int(ctx, 1, "frame_step");
        long? windowLength = null;
        if (ctx.HasInput(2))
        {
            if (ctx.InputType(2) != ctx.InputType(0))
                throw new MoteShapeException($"window type {ctx.InputType(2).ShortName()} differs from the signal's {ctx.InputType(0).ShortName()}");
            if (ctx.InputShape(2) is not [var w])
                throw new MoteShapeException($"window {ShapeMath.Format(ctx.InputShape(2))} must be 1-D");
            windowLength = w;
        }
        long frame = s[1];
        if (ctx.HasInput(3))
        {
            ctx.ExpectType(3, "frame_length", DataType.Int32, DataType.Int64);
            frame = ScalarInput.Int(ctx, 3, "frame_length");
            if (windowLength is { } w && w != frame)
                throw new MoteShapeException($"the window has {w} points but frame_length is {frame}");
        }
        else if (windowLength is { } w)
            frame = w;
        if (step < 1 || frame < 1 || frame > s[1] || frame > int.MaxValue / 64)
            throw new MoteShapeException($"frame_step {step} must be positive and frame_length {frame} in [1, {s[1]}] (the signal length)");
        int frames = (int)(1 + (s[1] - frame) / step);
        ctx.SetOutput(0, ctx.InputType(0), [s[0], frames, _onesided ? (int)frame / 2 + 1 : (int)frame, 2]);
        ctx.RequestScratch(FftScratch.Bytes((int)frame));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        int step = (int)ScalarInput.Int(ctx.Input(1), "frame_step");
        int frame = ctx.Input(3).IsNone ? ctx.Input(2).IsNone ? x.Shape[1] : ctx.Input(2).Shape[0] : (int)ScalarInput.Int(ctx.Input(3), "frame_length");
        var fft = new FftScratch(ctx, frame);
        if (x.Type == DataType.Float32)
            Run(x.Span<float>(), ctx.Input(2).IsNone ? default : ctx.Input(2).Span<float>(), x.Shape, step, ctx.Output(0).Span<float>(), ctx.Output(0).Shape, fft);
        else
            Run(x.Span<double>(), ctx.Input(2).IsNone ? default : ctx.Input(2).Span<double>(), x.Shape, step, ctx.Output(0).Span<double>(), ctx.Output(0).Shape, fft);
    }

    private static void Run<T>(Span<T> x, Span<T> window, int[] xs, int step, Span<T> y, int[] ys, in FftScratch fft) where T : unmanaged, IFloatingPoint<T>
    {
        int length = xs[1], parts = xs[2], frames = ys[1], bins = ys[2];
        var line = fft.Line;
        for (int b = 0; b < xs[0]; b++)
            for (int f = 0; f < frames; f++)
            {
                int src = (b * length + f * step) * parts;
                for (int j = 0; j < line.Length; j++)
                {
                    // The window weights the samples in the element type, as ONNX's definition multiplies before transforming.
                    T w = window.IsEmpty ? T.One : window[j];
                    T re = x[src + j * parts] * w;
                    T im = parts == 2 ? x[src + j * parts + 1] * w : T.Zero;
                    line[j] = new Complex(double.CreateTruncating(re), double.CreateTruncating(im));
                }
                fft.Transform.Forward(line, fft.Work);
                int dst = (b * frames + f) * bins * 2;
                for (int k = 0; k < bins; k++)
                {
                    y[dst + 2 * k] = T.CreateTruncating(line[k].Real);
                    y[dst + 2 * k + 1] = T.CreateTruncating(line[k].Imaginary);
                }
            }
    }
}
