using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Gemm;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// ONNX ConvTranspose in f32 (any spatial rank; groups, strides, dilations, pads, output_padding,
/// output_shape, auto_pad, optional bias) with a fused activation, as GEMM + col2im
/// (<see cref="ConvTransposeGemm"/>) with the weights packed per group at load.
/// </summary>
/// <remarks>
/// Output size per spatial dimension: <c>stride·(in − 1) + output_padding + (k − 1)·dilation + 1 − pads</c>.
/// With <c>output_shape</c> and SAME_UPPER/SAME_LOWER, the pads are derived from it (the odd one at the end
/// for SAME_UPPER, at the start for SAME_LOWER); with NOTSET the output starts where the unpadded one does and
/// is cut or extended at the end, as the ONNX reference implementation computes it (the spec's prose and ONNX
/// Runtime disagree on this case). With SAME_UPPER/SAME_LOWER and no output_shape, the total padding is
/// <c>max(0, effective kernel − stride)</c>, as ONNX shape inference defines it.
/// </remarks>
internal sealed unsafe class ConvTransposeOperator : Operator
{
    private readonly WindowAttributes _window;
    private readonly int _group;
    private readonly int[]? _outputPadding;
    private readonly int[]? _outputShape;
    private readonly Activation _activation;
    private readonly ConvTransposeGemm _gemm;
    private readonly int _slots;

    public ConvTransposeOperator(NodeDef node, BuildContext build) : base(node)
    {
        _window = new WindowAttributes(node, kernelRequired: false, hasCeilMode: false);
        long group = node.GetInt("group", 1);
        _group = group is >= 1 and <= int.MaxValue ? (int)group : throw new MoteShapeException($"group must be ≥ 1, got {group}");
        _outputPadding = node.GetIntArray("output_padding");
        _outputShape = node.GetIntArray("output_shape");
        _activation = FusedActivation.Read(node);
        _slots = Math.Min(build.Options.Threads, ScratchSlots.MaxSlots);
        SgemmPackedA[]? packed = null;
        if (build.TryGetConstant(node.Input(1), out var w) && w.Type == DataType.Float32 && w.Rank >= 3 && w.Shape[0] % _group == 0 && w.Count > 0)
        {
            // W is [C, M/group, k…]: group g's rows of C form a (C/group) × (M/group·k) matrix; the GEMM needs its transpose.
            int k = w.Shape[0] / _group, rows = checked((int)(w.Count / w.Shape[0]));
            var data = w.Span<float>();
            packed = new SgemmPackedA[_group];
            for (int g = 0; g < _group; g++)
                packed[g] = build.Kernels.Sgemm.PackA(true, rows, k, data.Slice(g * k * rows, k * rows), rows);
        }
        _gemm = new ConvTransposeGemm(build.Kernels.Sgemm, build.Kernels.Activation, packed);
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
        if (x[1] != w[0] || w[0] % _group != 0)
            throw new MoteShapeException($"X has {x[1]} channels and W {ShapeMath.Format(w)}: W[0] must equal C and be a multiple of group {_group}");
        if (_window.KernelShape is { } ks && !ks.AsSpan().SequenceEqual(w.AsSpan(2)))
            throw new MoteShapeException($"kernel_shape [{string.Join(",", ks)}] differs from W's spatial dimensions {ShapeMath.Format(w)}");
        _window.CheckRank(r);
        if (_outputPadding is not null && _outputPadding.Length != r)
            throw new MoteShapeException($"output_padding has {_outputPadding.Length} values, expected {r}");
        if (_outputShape is not null && _outputShape.Length != r && _outputShape.Length != r + 2)
            throw new MoteShapeException($"output_shape has {_outputShape.Length} values, expected {r}");
        int m = w[1] * _group;
        if (ctx.HasInput(2))
        {
            ctx.ExpectType(2, "B", DataType.Float32);
            if (ctx.InputShape(2) is not [var b] || b != m)
                throw new MoteShapeException($"bias {ShapeMath.Format(ctx.InputShape(2))} must be [{m}]");
        }
        Span<int> storage = stackalloc int[7 * r];
        var args = Describe(x, w, storage);
        var y = new int[r + 2];
        y[0] = x[0];
        y[1] = m;
        storage[..r].CopyTo(y.AsSpan(2));
        ctx.SetOutput(0, DataType.Float32, y);
        if (args.Tasks > 0 && args.InSize > 0)
            ctx.RequestScratch(ConvTransposeGemm.ScratchBytes(in args, _slots));
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
        var args = Describe(x.Shape, w.Shape, storage);
        args.X = (float*)x.Data;
        args.W = (float*)w.Data;
        args.Bias = bias.IsNone ? null : (float*)bias.Data;
        args.Y = (float*)y.Data;
        fixed (int* nd = storage)
        fixed (byte* scratch = ctx.Scratch)
        {
            args.NdGeometry = nd;
            _gemm.Run(&args, ctx.Pool, scratch, _slots);
        }
    }

    /// <summary>
    /// Sizes and the forward convolution's window; <paramref name="storage"/> (7·rank ints) receives output
    /// sizes, input sizes, kernel, strides, dilations, pad begin, pad end — the N-D window's layout.
    /// </summary>
    private ConvTransposeArgs Describe(int[] x, int[] w, Span<int> storage)
    {
        int r = x.Length - 2;
        Span<int> output = storage[..r], input = storage.Slice(r, r), kernel = storage.Slice(2 * r, r);
        Span<int> strides = storage.Slice(3 * r, r), dilations = storage.Slice(4 * r, r), padBegin = storage.Slice(5 * r, r), padEnd = storage.Slice(6 * r, r);
        int kernelSize = 1, inSize = 1, outSize = 1;
        bool negative = false;
        for (int d = 0; d < r; d++)
        {
            int s = _window.Stride(d), dl = _window.Dilation(d), k = w[d + 2], n = x[d + 2];
            int ek = (k - 1) * dl + 1, op = _outputPadding?[d] ?? 0;
            long full = (long)s * (n - 1) + op + ek; // output size before padding is removed
            int pb, pe;
            long o;
            if (_outputShape is not null)
            {
                o = _outputShape[_outputShape.Length - r + d];
                long total = full - o, half = Math.DivRem(total, 2).Quotient - (total < 0 && total % 2 != 0 ? 1 : 0); // ⌊total/2⌋
                (pb, pe) = _window.AutoPad switch
                {
                    AutoPad.SameUpper => ((int)half, (int)(total - half)),
                    AutoPad.SameLower => ((int)(total - half), (int)half),
                    // As the ONNX reference implementation: the output starts where the unpadded one does and is cut or extended at the end.
                    _ => (0, (int)total),
                };
            }
            else
            {
                switch (_window.AutoPad)
                {
                    case AutoPad.SameUpper:
                    case AutoPad.SameLower:
                        int total = Math.Max(0, ek - s), small = total / 2, big = total - small;
                        (pb, pe) = _window.AutoPad == AutoPad.SameUpper ? (small, big) : (big, small);
                        break;
                    case AutoPad.Valid:
                        pb = pe = 0;
                        break;
                    default:
                        (pb, pe) = _window.Pads(d, r);
                        break;
                }
                o = full - pb - pe;
            }
            if (o < 0 || n < 0)
                throw new MoteShapeException($"spatial dimension {d} would have output size {o}");
            output[d] = checked((int)o);
            input[d] = n;
            kernel[d] = k;
            strides[d] = s;
            dilations[d] = dl;
            padBegin[d] = pb;
            padEnd[d] = pe;
            negative |= pb < 0 || pe < 0;
            kernelSize *= k;
            inSize *= n;
            outSize *= output[d];
        }
        var a = new ConvTransposeArgs
        {
            Images = x[0], Groups = _group, GroupInputs = w[0] / _group, GroupOutputs = w[1], KernelSize = kernelSize,
            InSize = inSize, OutSize = outSize, Rank = r, Activation = _activation, Nd = r > 2 || negative,
        };
        if (!a.Nd)
        {
            // The forward convolution maps this output (its input) to this input (its output).
            var g = new SpatialGeometry(stackalloc int[5 * r], r);
            strides.CopyTo(g.Strides);
            dilations.CopyTo(g.Dilations);
            padBegin.CopyTo(g.PadBegin);
            padEnd.CopyTo(g.PadEnd);
            input.CopyTo(g.Output);
            a.Window = g.To2D(output, kernel);
            a.Tiled = Mote.Kernels.NeuralNet.Col2ImTiled.Fits(in a.Window);
        }
        a.WindowColumns = _gemm.WindowColumns(a.Rows, inSize);
        a.LdColumns = ConvGemm.LdColumns(a.WindowColumns);
        return a;
    }
}
