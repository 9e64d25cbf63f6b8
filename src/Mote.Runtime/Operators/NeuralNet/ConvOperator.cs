using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Gemm;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// ONNX Conv (1-D, 2-D, 3-D…; groups, strides, dilations, pads, auto_pad, optional bias) in f32, with the
/// activation the converter fused into it (<see cref="FusedActivation"/>) applied as each tile is stored. A
/// fourth input (a Mote extension the converter writes for Conv + Add, not on depthwise convolutions) is a
/// residual of Y's shape added before the activation.
/// </summary>
/// <remarks>
/// Paths: depthwise (group = C, one input channel per group, rank ≤ 2) through the depthwise kernel;
/// otherwise GEMM per group with the weights packed at load (<see cref="ConvGemm"/>): a 1×1 stride-1
/// unpadded convolution multiplies the input directly, others go through im2col windows (the tuned 2-D
/// im2col for ranks 1 and 2, <see cref="Mote.Kernels.NeuralNet.Im2ColNd"/> beyond).
/// </remarks>
internal sealed unsafe class ConvOperator : Operator
{
    private readonly WindowAttributes _window;
    private readonly int _group;
    private readonly Activation _activation;
    private readonly ConvGemm _gemm;
    private readonly int _slots;
    private readonly bool _hasResidual;

    public ConvOperator(NodeDef node, BuildContext build) : base(node)
    {
        _window = new WindowAttributes(node, kernelRequired: false, hasCeilMode: false);
        long group = node.GetInt("group", 1);
        _group = group is >= 1 and <= int.MaxValue ? (int)group : throw new MoteShapeException($"group must be ≥ 1, got {group}");
        _activation = FusedActivation.Read(node);
        _slots = Math.Min(build.Options.Threads, ScratchSlots.MaxSlots);
        _hasResidual = node.Input(3).Length > 0;
        SgemmPackedA[]? packed = null;
        if (build.TryGetConstant(node.Input(1), out var w) && w.Type == DataType.Float32 && w.Rank >= 3
            && w.Shape[0] % _group == 0 && w.Count > 0 && !IsDepthwise(w.Shape))
        {
            int m = w.Shape[0] / _group, k = checked((int)(w.Count / w.Shape[0]));
            var data = w.Span<float>();
            packed = new SgemmPackedA[_group];
            for (int g = 0; g < _group; g++)
                packed[g] = build.Kernels.Sgemm.PackA(false, m, k, data.Slice(g * m * k, m * k), k);
        }
        _gemm = new ConvGemm(build.Kernels.Sgemm, packed, build.Kernels.Activation);
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "X", DataType.Float32);
        ctx.ExpectType(1, "W", DataType.Float32);
        var x = ctx.InputShape(0);
        var w = ctx.InputShape(1);
        int r = x.Length - 2;
        if (r < 1 || w.Length != x.Length)
            throw new MoteShapeException($"X {ShapeMath.Format(x)} and W {ShapeMath.Format(w)} must both have rank ≥ 3 and equal ranks");
        if (x[1] != w[1] * _group || w[0] % _group != 0)
            throw new MoteShapeException($"X has {x[1]} channels and W {ShapeMath.Format(w)}: C must be W[1]·group and M a multiple of group {_group}");
        if (_window.KernelShape is { } ks && !ks.AsSpan().SequenceEqual(w.AsSpan(2)))
            throw new MoteShapeException($"kernel_shape [{string.Join(",", ks)}] differs from W's spatial dimensions {ShapeMath.Format(w)}");
        _window.CheckRank(r);
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, "B", DataType.Float32);
            if (ctx.InputShape(2) is not [var m] || m != w[0])
                throw new MoteShapeException($"bias {ShapeMath.Format(ctx.InputShape(2))} must be [{w[0]}]");
        }
        Span<int> storage = stackalloc int[7 * r];
        var args = Describe(x, w, storage, out var g);
        var y = new int[r + 2];
        y[0] = x[0];
        y[1] = w[0];
        g.Output.CopyTo(y.AsSpan(2));
        if (ctx.HasInput(3))
        {
            ctx.ExpectType(3, "residual", DataType.Float32);
            if (!ctx.InputShape(3).AsSpan().SequenceEqual(y))
                throw new MoteShapeException($"residual {ShapeMath.Format(ctx.InputShape(3))} must have the output's shape {ShapeMath.Format(y)}");
            if (IsDepthwise(w) || args.Depth == 0)
                throw new MoteNotSupportedException("a fused residual on a depthwise or zero-depth convolution");
        }
        ctx.SetOutput(0, DataType.Float32, y);
        if (!IsDepthwise(w) && args.Tasks > 0)
            ctx.RequestScratch(ConvGemm.ScratchBytes(in args, _slots));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var w = ctx.Input(1);
        var bias = ctx.Input(2);
        var y = ctx.Output(0);
        if (y.Count == 0)
            return;
        int r = x.Rank - 2;
        Span<int> storage = stackalloc int[7 * r];
        var args = Describe(x.Shape, w.Shape, storage, out var g);
        args.X = (float*)x.Data;
        args.W = (float*)w.Data;
        args.Bias = bias.IsNone ? null : (float*)bias.Data;
        args.Y = (float*)y.Data;
        var residual = ctx.Input(3);
        args.Residual = residual.IsNone ? null : (float*)residual.Data;
        if (args.Depth == 0)
        {
            BiasOnly(ctx, y, bias);
            return;
        }
        if (IsDepthwise(w.Shape))
        {
            Depthwise(ctx, x, w, bias, y, args.Window);
            return;
        }
        fixed (int* nd = storage)
        fixed (byte* scratch = ctx.Scratch)
        {
            args.Nd = nd;
            _gemm.Run(&args, ctx.Pool, scratch, _slots);
        }
    }

    /// <summary>Which kernel path a convolution of these shapes takes (diagnostics and tests).</summary>
    internal ConvPath PathFor(int[] x, int[] w)
    {
        if (IsDepthwise(w))
            return ConvPath.Depthwise;
        Span<int> storage = stackalloc int[7 * (x.Length - 2)];
        return Describe(x, w, storage, out _).Source switch
        {
            ColumnSource.Pointwise => ConvPath.Pointwise,
            ColumnSource.Im2Col2D => ConvPath.Im2Col2D,
            ColumnSource.Implicit => ConvPath.Implicit,
            _ => ConvPath.Im2ColNd,
        };
    }

    // group = C with one input channel per group: each output channel reads one input plane.
    private bool IsDepthwise(int[] w) => _group > 1 && w[1] == 1 && w.Length <= 4;

    /// <summary>Geometry and GEMM sizes; <paramref name="storage"/> (7·rank ints) becomes the N-D window.</summary>
    private ConvGemmArgs Describe(int[] x, int[] w, Span<int> storage, out SpatialGeometry g)
    {
        int r = x.Length - 2;
        var input = storage[..r];
        var kernel = storage.Slice(r, r);
        x.AsSpan(2).CopyTo(input);
        w.AsSpan(2).CopyTo(kernel);
        g = new SpatialGeometry(storage[(2 * r)..], r);
        _window.Resolve(input, kernel, in g);

        int kernelSize = 1, inSize = 1, outSize = 1;
        bool pointwise = true;
        for (int d = 0; d < r; d++)
        {
            kernelSize *= kernel[d];
            inSize *= input[d];
            outSize *= g.Output[d];
            pointwise &= kernel[d] == 1 && g.Strides[d] == 1 && g.PadBegin[d] == 0 && g.PadEnd[d] == 0;
        }
        var a = new ConvGemmArgs
        {
            Images = x[0], Groups = _group, GroupInputs = w[1], GroupOutputs = w[0] / _group, Depth = w[1] * kernelSize,
            InSize = inSize, OutSize = outSize, Rank = r, Activation = _activation,
            Source = pointwise ? ColumnSource.Pointwise : r <= 2 ? ColumnSource.Im2Col2D : ColumnSource.Im2ColNd,
        };
        if (r <= 2)
            a.Window = g.To2D(input, kernel);
        a.WindowColumns = _gemm.WindowColumns(a.Depth, outSize);
        a.Transposed = !_hasResidual && _gemm.IsNarrow(outSize, a.GroupOutputs);
        a.TileColumns = _gemm.TileColumns;
        if (r <= 2 && _gemm.UsesImplicit(a.Source, in a.Window, a.Transposed))
        {
            a.Source = ColumnSource.Implicit;
            a.BandRows = _gemm.BandRows(in a.Window, a.GroupInputs, a.GroupOutputs);
        }
        a.Panels = _gemm.UsesPanels(a.Source, a.Transposed);
        a.LdColumns = a.Panels ? _gemm.PanelColumns(a.WindowColumns) : ConvGemm.LdColumns(a.WindowColumns);
        return a;
    }

    private void Depthwise(in NodeContext ctx, TensorValue x, TensorValue w, TensorValue bias, TensorValue y, in Mote.Kernels.Convolution.Window2D window)
    {
        int channels = x.Shape[1], m = w.Shape[0];
        var xs = x.Span<float>();
        var ys = y.Span<float>();
        var ws = w.Span<float>();
        var bs = bias.IsNone ? default : bias.Span<float>();
        int inImage = channels * window.InputSize, outImage = m * window.OutputSize;
        for (int n = 0; n < x.Shape[0]; n++)
            ctx.Kernels.DepthwiseConv2D.Compute(xs.Slice(n * inImage, inImage), channels, m / channels, in window, ws, bs,
                _activation, ys.Slice(n * outImage, outImage), ctx.Pool);
    }

    // No input channels: every output is act(bias).
    private void BiasOnly(in NodeContext ctx, TensorValue y, TensorValue bias)
    {
        var ys = y.Span<float>();
        int m = y.Shape[1], plane = (int)(y.Count / Math.Max(1, y.Shape[0] * m));
        for (int i = 0; i < y.Shape[0] * m; i++)
            ys.Slice(i * plane, plane).Fill(bias.IsNone ? 0f : bias.Span<float>()[i % m]);
        ctx.Kernels.Activation.Apply(_activation, ys);
    }
}

/// <summary>The kernel path of a convolution.</summary>
internal enum ConvPath
{
    /// <summary>The depthwise kernel (group = C, one input channel per group).</summary>
    Depthwise,
    /// <summary>1×1, stride 1, unpadded: GEMM on the input itself.</summary>
    Pointwise,
    /// <summary>2-D (or 1-D) im2col windows + GEMM.</summary>
    Im2Col2D,
    /// <summary>N-D im2col windows + GEMM.</summary>
    Im2ColNd,
    /// <summary>Strides 1 and 2: implicit GEMM over bands of a padded (phase-split) copy of the input.</summary>
    Implicit,
}
