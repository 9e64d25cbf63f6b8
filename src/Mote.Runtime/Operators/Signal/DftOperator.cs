using System.Numerics;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Signal;

/// <summary>
/// ONNX DFT (opset 20; the converter turns DFT-17's <c>axis</c> attribute into input 2): the discrete
/// Fourier transform along <c>axis</c> (input 2, default −2) of a real ([…, 1]) or complex ([…, 2])
/// signal, f32 or f64. <c>dft_length</c> (input 1, default the axis length) zero-pads or truncates
/// the signal. <c>inverse</c> divides the conjugate transform by the length; <c>onesided</c> keeps
/// bins 0…⌊L/2⌋ of a forward transform (RFFT) or, with <c>inverse</c>, reads such bins and returns the
/// real signal of length L (IRFFT; L defaults to 2·(bins − 1)). Every line is transformed in double
/// precision (<see cref="Mote.Kernels.Signal.Fft"/>), then rounded once to the element type.
/// </summary>
internal sealed class DftOperator(NodeDef node) : Operator(node)
{
    private readonly bool _inverse = node.GetInt("inverse", 0) != 0;
    private readonly bool _onesided = node.GetInt("onesided", 0) != 0;

    private bool RealOutput => _inverse && _onesided;

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "input", DataType.Float32, DataType.Float64);
        var s = ctx.InputShape(0);
        if (s.Length < 2 || s[^1] is not (1 or 2))
            throw new MoteShapeException($"DFT input {ShapeMath.Format(s)} must have rank ≥ 2 and a last dimension of 1 (real) or 2 (complex)");
        if (ctx.HasInput(2))
            ctx.ExpectType(2, "axis", DataType.Int32, DataType.Int64);
        int axis = Axis(ctx.HasInput(2) ? ScalarInput.Int(ctx, 2, "axis") : -2, s.Length);
        if (ctx.HasInput(1))
            ctx.ExpectType(1, "dft_length", DataType.Int32, DataType.Int64);
        long length = ctx.HasInput(1) ? ScalarInput.Int(ctx, 1, "dft_length") : DefaultLength(s[axis]);
        if (length < 1 || length > int.MaxValue / 64)
            throw new MoteShapeException($"the DFT length {length} must be positive (input {ShapeMath.Format(s)}, axis {axis})");
        if (RealOutput && s[^1] != 2)
            throw new MoteShapeException("an inverse one-sided DFT (IRFFT) takes a complex input [..., 2]");
        var y = (int[])s.Clone();
        y[axis] = OutputLength((int)length);
        y[^1] = RealOutput ? 1 : 2;
        ctx.SetOutput(0, ctx.InputType(0), y);
        ctx.RequestScratch(FftScratch.Bytes((int)length));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        int axis = Axis(ctx.Input(2).IsNone ? -2 : ScalarInput.Int(ctx.Input(2), "axis"), x.Rank);
        int length = ctx.Input(1).IsNone ? DefaultLength(x.Shape[axis]) : (int)ScalarInput.Int(ctx.Input(1), "dft_length");
        var lines = new Lines(x, ctx.Output(0), axis);
        var fft = new FftScratch(ctx, length);
        if (x.Type == DataType.Float32)
            Run<float>(lines, fft);
        else
            Run<double>(lines, fft);
    }

    private void Run<T>(in Lines g, in FftScratch fft) where T : unmanaged, IFloatingPoint<T>
    {
        var x = g.X.Span<T>();
        var y = g.Y.Span<T>();
        var line = fft.Line;
        int length = line.Length;
        double scale = 1.0 / length;
        for (long o = 0; o < g.Outer; o++)
            for (long i = 0; i < g.Inner; i++)
            {
                long src = (o * g.InLength * g.Inner + i) * g.InParts, srcStep = g.Inner * g.InParts;
                long dst = (o * g.OutLength * g.Inner + i) * g.OutParts, dstStep = g.Inner * g.OutParts;
                if (RealOutput)
                {
                    // Rebuild the full Hermitian spectrum from bins 0…L/2; the imaginary parts of bin 0 and
                    // (even L) bin L/2 only reach the imaginary part of the signal, which is dropped.
                    for (int k = 0; k < length; k++)
                    {
                        int bin = k <= length / 2 ? k : length - k;
                        var v = bin < g.InLength ? Load(x, src + bin * srcStep, g.InParts) : Complex.Zero;
                        line[k] = k <= length / 2 ? v : Complex.Conjugate(v);
                    }
                    fft.Transform.Backward(line, fft.Work);
                    for (int k = 0; k < g.OutLength; k++)
                        y[(int)(dst + k * dstStep)] = T.CreateTruncating(line[k].Real * scale);
                    continue;
                }
                for (int k = 0; k < length; k++)
                    line[k] = k < g.InLength ? Load(x, src + k * srcStep, g.InParts) : Complex.Zero;
                if (_inverse)
                    fft.Transform.Backward(line, fft.Work);
                else
                    fft.Transform.Forward(line, fft.Work);
                double s = _inverse ? scale : 1;
                for (int k = 0; k < g.OutLength; k++)
                {
                    int at = (int)(dst + k * dstStep);
                    y[at] = T.CreateTruncating(line[k].Real * s);
                    y[at + 1] = T.CreateTruncating(line[k].Imaginary * s);
                }
            }
    }

    private static Complex Load<T>(Span<T> x, long at, int parts) where T : unmanaged, IFloatingPoint<T> =>
        new(double.CreateTruncating(x[(int)at]), parts == 2 ? double.CreateTruncating(x[(int)at + 1]) : 0);

    // IRFFT of b bins restores 2·(b − 1) samples; every other form keeps the axis length.
    private int DefaultLength(int n) => RealOutput ? 2 * (n - 1) : n;

    private int OutputLength(int length) => _onesided && !_inverse ? length / 2 + 1 : length;

    /// <summary>The DFT axis: [−r, −2] or [0, r − 2] (the last dimension holds the complex parts).</summary>
    private static int Axis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a > rank - 2)
            throw new MoteShapeException($"DFT axis {axis} is out of range for rank {rank} (the last dimension holds the complex parts)");
        return (int)a;
    }

    /// <summary>The tensor seen as [outer, length, inner, parts] lines along the axis.</summary>
    private readonly struct Lines(TensorValue x, TensorValue y, int axis)
    {
        public TensorValue X { get; } = x;
        public TensorValue Y { get; } = y;
        public long Outer { get; } = ShapeMath.Product(x.Shape, 0, axis);
        public long Inner { get; } = ShapeMath.Product(x.Shape, axis + 1, x.Rank - 1);
        public int InLength { get; } = x.Shape[axis];
        public int OutLength { get; } = y.Shape[axis];
        public int InParts { get; } = x.Shape[^1];
        public int OutParts { get; } = y.Shape[^1];
    }
}
