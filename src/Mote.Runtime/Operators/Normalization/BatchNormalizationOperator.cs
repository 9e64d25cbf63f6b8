using System.Numerics;
using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Normalization;

/// <summary>
/// ONNX BatchNormalization (opset 15), inference form: y = scale·(x − mean)/√(var + ε) + B per
/// channel of x [N, C, ...], i.e. y = a·x + b with a = scale/√(var + ε), b = B − mean·a. When scale,
/// B, mean and var are constants, a and b are computed once (in double) when the session is built;
/// otherwise on each run. Training mode and its running-statistics outputs are not supported.
/// </summary>
internal sealed class BatchNormalizationOperator : Operator
{
    private readonly double _epsilon;
    private readonly float[]? _a32, _b32;
    private readonly double[]? _a64, _b64;

    public BatchNormalizationOperator(NodeDef node, BuildContext build) : base(node)
    {
        if (node.GetInt("training_mode", 0) != 0)
            throw new MoteNotSupportedException("BatchNormalization in training mode is not supported");
        if (node.Outputs.Skip(1).Any(o => o.Length > 0))
            throw new MoteNotSupportedException("BatchNormalization running mean/variance outputs exist only in training mode, which is not supported");
        _epsilon = node.GetFloat("epsilon", 1e-5f);
        var p = new TensorValue[4];
        for (int i = 0; i < 4; i++)
            if (!build.TryGetConstant(node.Input(i + 1), out p[i]) || p[i].Type is not (DataType.Float32 or DataType.Float64))
                return;
        long c = p[0].Count;
        if (p.Any(v => v.Count != c))
            return; // InferShapes reports the mismatch.
        _a64 = new double[c];
        _b64 = new double[c];
        for (int i = 0; i < c; i++)
        {
            double scale = NormalizationMath.Read<double>(p[0], i), bias = NormalizationMath.Read<double>(p[1], i);
            double mean = NormalizationMath.Read<double>(p[2], i), variance = NormalizationMath.Read<double>(p[3], i);
            _a64[i] = scale / Math.Sqrt(variance + _epsilon);
            _b64[i] = bias - mean * _a64[i];
        }
        _a32 = _a64.Select(v => (float)v).ToArray();
        _b32 = _b64.Select(v => (float)v).ToArray();
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        if (x.Length < 2)
            throw new MoteShapeException($"input must be [N, C, ...], got {ShapeMath.Format(x)}");
        string[] names = ["scale", "B", "input_mean", "input_var"];
        for (int i = 1; i <= 4; i++)
            NormalizationMath.RequireVector(ctx, i, x[1], names[i - 1]);
        if (_a64 is null)
            ctx.RequestScratch(2L * x[1] * t.Size());
        ctx.SetOutput(0, t, x);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Type == DataType.Float32)
            Run(ctx, _a32, _b32);
        else
            Run(ctx, _a64, _b64);
    }

    private void Run<T>(in NodeContext ctx, T[]? a, T[]? b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var x = ctx.Input(0);
        int channels = x.Shape[1];
        int spatial = (int)ShapeMath.Product(x.Shape, 2, x.Rank);
        Span<T> sa = a, sb = b;
        if (a is null)
        {
            sa = ctx.ScratchAs<T>(0, channels);
            sb = ctx.ScratchAs<T>(channels * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), channels);
            // In double, then rounded: the same numbers as when the parameters are constants.
            for (int c = 0; c < channels; c++)
            {
                double a1 = NormalizationMath.Read<double>(ctx.Input(1), c) / Math.Sqrt(NormalizationMath.Read<double>(ctx.Input(4), c) + _epsilon);
                sa[c] = T.CreateTruncating(a1);
                sb[c] = T.CreateTruncating(NormalizationMath.Read<double>(ctx.Input(2), c) - NormalizationMath.Read<double>(ctx.Input(3), c) * a1);
            }
        }
        NormalizationMath.ChannelAffine<T>(x.Span<T>(), ctx.Output(0).Span<T>(), sa, sb, x.Shape[0], channels, spatial, SimdWidths.For(ctx.Kernels.Features));
    }
}
