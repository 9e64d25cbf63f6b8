using Mote.Format;
using Mote.Kernels.Convolution;
using Mote.Kernels.Gemm;
using Mote.Kernels.Vision;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX DeformConv (opset 19, 22) in 2-D: a convolution of X [N, C, H, W] with W [M, C/group, kH, kW]
/// whose taps sample X at positions moved by <c>offset</c> [N, offset_group·kH·kW·2, oH, oW] (Δh, Δw per
/// tap), bilinearly with zeros outside, scaled by the optional <c>mask</c> [N, offset_group·kH·kW, oH,
/// oW], plus the optional bias B [M]. <c>strides</c>, <c>dilations</c>, <c>pads</c>, <c>group</c>,
/// <c>offset_group</c>. f32 builds deformable columns (<see cref="DeformableIm2Col"/>) a block of output
/// positions at a time and multiplies them with the session's SGEMM per group; f64 uses a plain product.
/// </summary>
internal sealed class DeformConvOperator : Operator
{
    /// <summary>Column values built per block: bounds the scratch for large images.</summary>
    private const int ColumnBudget = 1 << 20;

    private readonly int[]? _kernelShape, _strides, _dilations, _pads;
    private readonly int _group, _offsetGroup;

    public DeformConvOperator(NodeDef node) : base(node)
    {
        _kernelShape = node.GetIntArray("kernel_shape");
        _strides = node.GetIntArray("strides");
        _dilations = node.GetIntArray("dilations");
        _pads = node.GetIntArray("pads");
        long group = node.GetInt("group", 1), offsetGroup = node.GetInt("offset_group", 1);
        if (group < 1 || group > int.MaxValue || offsetGroup < 1 || offsetGroup > int.MaxValue)
            throw new MoteShapeException($"group {group} and offset_group {offsetGroup} must be ≥ 1");
        (_group, _offsetGroup) = ((int)group, (int)offsetGroup);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "X", DataType.Float32, DataType.Float64);
        var type = ctx.InputType(0);
        ctx.ExpectType(1, "W", type);
        ctx.ExpectType(2, "offset", type);
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        if (x.Length != 4 || w.Length != 4)
            throw new MoteNotSupportedException($"DeformConv with X {ShapeMath.Format(x)} and W {ShapeMath.Format(w)}: only 2-D (rank-4) inputs are supported");
        if (x[1] != w[1] * _group || w[0] % _group != 0 || x[1] % _offsetGroup != 0)
            throw new MoteShapeException($"X {ShapeMath.Format(x)} and W {ShapeMath.Format(w)} do not fit group {_group} and offset_group {_offsetGroup}");
        var g = Geometry(x, w);
        int taps = g.KernelSize;
        int[] offset = [x[0], _offsetGroup * taps * 2, g.OutputHeight, g.OutputWidth];
        if (!ctx.InputShape(2).AsSpan().SequenceEqual(offset))
            throw new MoteShapeException($"offset {ShapeMath.Format(ctx.InputShape(2))} must be {ShapeMath.Format(offset)}");
        if (ctx.HasInput(3))
        {
            ctx.ExpectType(3, "B", type);
            if (ctx.InputShape(3) is not [var m] || m != w[0])
                throw new MoteShapeException($"B {ShapeMath.Format(ctx.InputShape(3))} must be [{w[0]}]");
        }
        if (ctx.HasInput(4))
        {
            ctx.ExpectType(4, "mask", type);
            int[] mask = [x[0], _offsetGroup * taps, g.OutputHeight, g.OutputWidth];
            if (!ctx.InputShape(4).AsSpan().SequenceEqual(mask))
                throw new MoteShapeException($"mask {ShapeMath.Format(ctx.InputShape(4))} must be {ShapeMath.Format(mask)}");
        }
        ctx.SetOutput(0, type, [x[0], w[0], g.OutputHeight, g.OutputWidth]);
        ctx.RequestScratch((long)x[1] * taps * Block(x[1] * taps, g.OutputSize) * type.Size());
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var w = ctx.Input(1);
        var g = Geometry(x.Shape, w.Shape);
        if (x.Type == DataType.Float32)
            RunF32(ctx, g);
        else
            RunF64(ctx, g);
    }

    private void RunF32(in NodeContext ctx, in Window2D g)
    {
        var (x, w, offset, bias, mask, y) = (ctx.Input(0), ctx.Input(1), ctx.Input(2), ctx.Input(3), ctx.Input(4), ctx.Output(0));
        int channels = x.Shape[1], m = w.Shape[0], taps = g.KernelSize, positions = g.OutputSize;
        int depth = w.Shape[1] * taps, perGroup = m / _group, block = Block(channels * taps, positions);
        var xs = x.Span<float>();
        var ws = w.Span<float>();
        var bs = bias.IsNone ? default : bias.Span<float>();
        var ys = y.Span<float>();
        for (int n = 0; n < x.Shape[0]; n++)
            for (int start = 0; start < positions; start += block)
            {
                int count = Math.Min(block, positions - start);
                var columns = ctx.ScratchAs<float>(0, channels * taps * count);
                Columns(x, offset, mask, n, g, start, count, columns, count);
                for (int grp = 0; grp < _group; grp++)
                {
                    var dst = ys[((n * m + grp * perGroup) * positions + start)..];
                    if (depth == 0)
                    {
                        // No input channels: every output is the bias.
                        for (int o = 0; o < perGroup; o++)
                            dst.Slice(o * positions, count).Fill(bs.IsEmpty ? 0 : bs[grp * perGroup + o]);
                        continue;
                    }
                    var epilogue = bs.IsEmpty ? default : new GemmEpilogue(GemmBiasKind.PerRow, bs.Slice(grp * perGroup, perGroup));
                    ctx.Kernels.Sgemm.Gemm(false, false, perGroup, count, depth, 1f, ws.Slice(grp * perGroup * depth, perGroup * depth), depth,
                        columns.Slice(grp * depth * count, depth * count), count, 0f, dst, positions, epilogue, ctx.Pool);
                }
            }
    }

    private void RunF64(in NodeContext ctx, in Window2D g)
    {
        var (x, w, offset, bias, mask, y) = (ctx.Input(0), ctx.Input(1), ctx.Input(2), ctx.Input(3), ctx.Input(4), ctx.Output(0));
        int channels = x.Shape[1], m = w.Shape[0], taps = g.KernelSize, positions = g.OutputSize;
        int depth = w.Shape[1] * taps, perGroup = m / _group, block = Block(channels * taps, positions);
        var ws = w.Span<double>();
        var bs = bias.IsNone ? default : bias.Span<double>();
        var ys = y.Span<double>();
        for (int n = 0; n < x.Shape[0]; n++)
            for (int start = 0; start < positions; start += block)
            {
                int count = Math.Min(block, positions - start);
                var columns = ctx.ScratchAs<double>(0, channels * taps * count);
                Columns(x, offset, mask, n, g, start, count, columns, count);
                for (int o = 0; o < m; o++)
                {
                    int grp = o / perGroup;
                    var row = ws.Slice(o * depth, depth);
                    var cols = columns.Slice(grp * depth * count, depth * count);
                    for (int p = 0; p < count; p++)
                    {
                        double sum = bs.IsEmpty ? 0 : bs[o];
                        for (int k = 0; k < depth; k++)
                            sum += row[k] * cols[k * count + p];
                        ys[(n * m + o) * positions + start + p] = sum;
                    }
                }
            }
    }

    private void Columns<T>(TensorValue x, TensorValue offset, TensorValue mask, int n, in Window2D g, int start, int count, Span<T> columns, int ld)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int channels = x.Shape[1], image = channels * g.InputSize;
        int offsets = _offsetGroup * 2 * g.KernelSize * g.OutputSize, masks = _offsetGroup * g.KernelSize * g.OutputSize;
        DeformableIm2Col.Build(x.Span<T>().Slice(n * image, image), channels, in g, offset.Span<T>().Slice(n * offsets, offsets),
            mask.IsNone ? default : mask.Span<T>().Slice(n * masks, masks), _offsetGroup, start, count, columns, ld);
    }

    // Output positions per column block: all of them when the matrix fits the budget.
    private static int Block(int rows, int positions) =>
        rows == 0 ? Math.Max(positions, 1) : Math.Clamp(ColumnBudget / rows, Math.Min(64, positions), Math.Max(positions, 1));

    private Window2D Geometry(int[] x, int[] w)
    {
        if (_kernelShape is not null && !_kernelShape.AsSpan().SequenceEqual(w.AsSpan(2)))
            throw new MoteShapeException($"kernel_shape [{string.Join(",", _kernelShape)}] differs from W {ShapeMath.Format(w)}");
        if ((_strides is not null && _strides.Length != 2) || (_dilations is not null && _dilations.Length != 2) || (_pads is not null && _pads.Length != 4))
            throw new MoteShapeException("DeformConv strides and dilations need 2 values and pads 4");
        int sh = _strides?[0] ?? 1, sw = _strides?[1] ?? 1, dh = _dilations?[0] ?? 1, dw = _dilations?[1] ?? 1;
        int pt = _pads?[0] ?? 0, pl = _pads?[1] ?? 0, pb = _pads?[2] ?? 0, pr = _pads?[3] ?? 0;
        if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || pt < 0 || pl < 0 || pb < 0 || pr < 0 || w[2] < 1 || w[3] < 1)
            throw new MoteShapeException("DeformConv strides, dilations and kernel sizes must be ≥ 1 and pads ≥ 0");
        long spanH = (long)x[2] + pt + pb - ((long)(w[2] - 1) * dh + 1), spanW = (long)x[3] + pl + pr - ((long)(w[3] - 1) * dw + 1);
        if (spanH < 0 || spanW < 0)
            throw new MoteShapeException($"the kernel {w[2]}×{w[3]} (dilations {dh}, {dw}) is larger than the padded input {ShapeMath.Format(x)}");
        return new Window2D
        {
            InputHeight = x[2], InputWidth = x[3], OutputHeight = (int)(spanH / sh + 1), OutputWidth = (int)(spanW / sw + 1),
            KernelHeight = w[2], KernelWidth = w[3], StrideHeight = sh, StrideWidth = sw, DilationHeight = dh, DilationWidth = dw,
            PadTop = pt, PadLeft = pl, PadBottom = pb, PadRight = pr,
        };
    }
}
