using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels;
using Mote.Kernels.Convolution;
using Mote.Kernels.Quantized;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.NeuralNet;

namespace Mote.Runtime.Operators.Quantization;

/// <summary>Sizes of one integer convolution (per image, per group), from the input shapes and attributes.</summary>
internal struct QuantizedConvGeometry
{
    public int Images, Groups, GroupInputs, GroupOutputs, Depth, InSize, OutSize, Rank, WindowColumns;
    /// <summary>1×1 kernel, stride 1, no padding: the input planes are the GEMM's B directly.</summary>
    public bool Pointwise;

    public readonly int Windows => WindowColumns == 0 ? 0 : (OutSize + WindowColumns - 1) / WindowColumns;
}

/// <summary>Where an integer convolution's int32 sums go: straight into an int32 Y (ConvInteger) or requantized into an 8-bit Y (QLinearConv).</summary>
internal unsafe struct QuantizedConvOutput
{
    /// <summary>ConvInteger: Y itself. Null for requantized output.</summary>
    public int* Int32Y;
    /// <summary>QLinearConv: the 8-bit Y, its type, scale and zero point; the bias (or null) and the scales.</summary>
    public byte* Y;
    public QuantType8 YType;
    public int YZero;
    public float YScale, XScale;
    public int* Bias;
    public float* WScale;
    public int WScaleCount;
}

/// <summary>
/// The integer convolution shared by ConvInteger and QLinearConv: <c>Σ (x − x_zero_point)·(w − w_zero_point)</c> in
/// int32 over any spatial rank (groups, strides, dilations, pads, auto_pad), as GEMMs per (image, group, window of
/// output pixels): A = the group's weights (packed once when constant, with per-tensor or per-output-channel
/// zero points), B = an 8-bit im2col window padded with the input zero point (or the input itself for a pointwise
/// convolution). Windows bound the column buffer to about <see cref="ColumnBudget"/> bytes.
/// </summary>
internal sealed unsafe class QuantizedConv
{
    /// <summary>Bytes of one window's column buffer and accumulators.</summary>
    public const int ColumnBudget = 1 << 18;

    private readonly int _x, _xZero, _w, _wZero;
    private readonly WindowAttributes _window;
    private readonly int _group;
    private readonly QGemmKernel _gemm;
    private readonly QGemmPackedA[]? _packed;

    public QuantizedConv(NodeDef node, BuildContext build, int x, int xZero, int w, int wZero)
    {
        (_x, _xZero, _w, _wZero) = (x, xZero, w, wZero);
        _window = new WindowAttributes(node, kernelRequired: false, hasCeilMode: false);
        long group = node.GetInt("group", 1);
        _group = group is >= 1 and <= int.MaxValue ? (int)group : throw new MoteShapeException($"group must be ≥ 1, got {group}");
        _gemm = QuantKernelSet.Create(build.Kernels.Features).QGemm;
        _packed = TryPack(node, build);
    }

    /// <summary>Validates x, w and their zero points; returns the output shape [N, M, spatial…].</summary>
    public int[] InferShapes(ShapeContext ctx, out QuantizedConvGeometry geometry)
    {
        ctx.ExpectType(_x, "x", QuantTypes.EightBit);
        ctx.ExpectType(_w, "w", QuantTypes.EightBit);
        var x = ctx.InputShape(_x);
        var w = ctx.InputShape(_w);
        int r = x.Length - 2;
        if (r < 1 || w.Length != x.Length)
            throw new MoteShapeException($"x {ShapeMath.Format(x)} and w {ShapeMath.Format(w)} must both have rank ≥ 3 and equal ranks");
        if (x[1] != w[1] * _group || w[0] % _group != 0)
            throw new MoteShapeException($"x has {x[1]} channels and w {ShapeMath.Format(w)}: C must be w[1]·group and M a multiple of group {_group}");
        if (_window.KernelShape is { } ks && !ks.AsSpan().SequenceEqual(w.AsSpan(2)))
            throw new MoteShapeException($"kernel_shape [{string.Join(",", ks)}] differs from w's spatial dimensions {ShapeMath.Format(w)}");
        _window.CheckRank(r);
        if (ctx.HasInput(_xZero))
        {
            if (ctx.InputType(_xZero) != ctx.InputType(_x))
                throw new MoteShapeException($"x_zero_point is {ctx.InputType(_xZero).ShortName()} but x is {ctx.InputType(_x).ShortName()}");
            if (ShapeMath.Count(ctx.InputShape(_xZero)) != 1)
                throw new MoteNotSupportedException($"x_zero_point {ShapeMath.Format(ctx.InputShape(_xZero))} must be per tensor (one value)");
        }
        if (ctx.HasInput(_wZero))
        {
            if (ctx.InputType(_wZero) != ctx.InputType(_w))
                throw new MoteShapeException($"w_zero_point is {ctx.InputType(_wZero).ShortName()} but w is {ctx.InputType(_w).ShortName()}");
            CheckPerChannel(ctx.InputShape(_wZero), w[0], "w_zero_point");
        }
        Span<int> storage = stackalloc int[7 * r];
        geometry = Describe(x, w, storage, out var g, requantize: false);
        var y = new int[r + 2];
        y[0] = x[0];
        y[1] = w[0];
        g.Output.CopyTo(y.AsSpan(2));
        return y;
    }

    /// <summary>Throws unless <paramref name="shape"/> is one value or one per output channel.</summary>
    public static void CheckPerChannel(int[] shape, int channels, string name)
    {
        long n = ShapeMath.Count(shape);
        if (n != 1 && !(shape.Length == 1 && shape[0] == channels))
            throw new MoteShapeException($"{name} {ShapeMath.Format(shape)} must hold one value or one per output channel ({channels})");
    }

    /// <summary>Geometry; <paramref name="storage"/> (7·rank ints) receives input, kernel and the window.</summary>
    public QuantizedConvGeometry Describe(int[] x, int[] w, Span<int> storage, out SpatialGeometry g, bool requantize)
    {
        int r = x.Length - 2;
        var input = storage[..r];
        var kernel = storage.Slice(r, r);
        x.AsSpan(2).CopyTo(input);
        w.AsSpan(2).CopyTo(kernel);
        g = new SpatialGeometry(storage[(2 * r)..], r);
        _window.Resolve(input, kernel, in g);
        long kernelSize = 1, inSize = 1, outSize = 1;
        bool pointwise = true;
        for (int d = 0; d < r; d++)
        {
            kernelSize *= kernel[d];
            inSize *= input[d];
            outSize *= g.Output[d];
            pointwise &= kernel[d] == 1 && g.Strides[d] == 1 && g.PadBegin[d] == 0 && g.PadEnd[d] == 0;
        }
        int groupOutputs = w[0] / _group;
        int depth = checked((int)(w[1] * kernelSize));
        // Column buffer (depth bytes per pixel) plus, when requantizing, the window's int32 sums.
        long perColumn = depth + (requantize ? 4L * groupOutputs : 0);
        int cols = (int)Math.Min(outSize, Math.Max(64, ColumnBudget / Math.Max(perColumn, 1)));
        return new QuantizedConvGeometry
        {
            Images = x[0], Groups = _group, GroupInputs = w[1], GroupOutputs = groupOutputs, Depth = depth,
            InSize = checked((int)inSize), OutSize = checked((int)outSize), Rank = r, Pointwise = pointwise, WindowColumns = cols,
        };
    }

    /// <summary>Scratch for one window: column buffer, accumulators (when requantizing), per-channel zero points.</summary>
    public static long ScratchBytes(in QuantizedConvGeometry a, int outputChannels, bool requantize) =>
        Align(a.Pointwise ? 0 : (long)a.Depth * a.WindowColumns) + Align(requantize ? 4L * a.GroupOutputs * a.WindowColumns : 0) + Align(4L * outputChannels);

    /// <summary>Runs every (image, group, window) GEMM into <paramref name="output"/>.</summary>
    public void Run(in NodeContext ctx, byte* scratch, in QuantizedConvOutput output, bool requantize)
    {
        var x = ctx.Input(_x);
        var w = ctx.Input(_w);
        var xz = ctx.Input(_xZero);
        var wz = ctx.Input(_wZero);
        int r = x.Rank - 2;
        Span<int> storage = stackalloc int[7 * r];
        var a = Describe(x.Shape, w.Shape, storage, out var g, requantize);
        if (a.OutSize == 0 || a.Images == 0 || w.Shape[0] == 0)
            return;
        var window = g.ToNd(storage[..r], storage.Slice(r, r));

        byte* columns = scratch;
        int* sums = (int*)(scratch + Align(a.Pointwise ? 0 : (long)a.Depth * a.WindowColumns));
        int* wZeroAll = (int*)((byte*)sums + Align(requantize ? 4L * a.GroupOutputs * a.WindowColumns : 0));
        int wzCount = wz.IsNone ? 0 : (int)wz.Count;
        var wZeros = new Span<int>(wZeroAll, wzCount);
        if (!wz.IsNone)
            QuantTypes.ReadInts(wz, wZeros);
        int xZero = xz.IsNone ? 0 : QuantTypes.ReadInt(xz, 0);
        Span<int> xZeroStore = stackalloc int[1];
        xZeroStore[0] = xZero;
        ReadOnlySpan<int> bZero = xz.IsNone ? default : xZeroStore;
        var xType = QuantTypes.To8(x.Type);
        var wType = QuantTypes.To8(w.Type);
        var xBytes = x.Bytes;
        var wBytes = w.Bytes;
        int mg = a.GroupOutputs, k = a.Depth, cg = a.GroupInputs;
        if (a.Groups > 1 && cg == 1 && mg == 1 && r <= 2)
        {
            var window2D = g.To2D(storage[..r], storage.Slice(r, r));
            if (DepthwiseIsExactInFloat(a.Depth))
                DepthwiseInFloat(in ctx, in a, in window2D, xBytes, xType, xZero, wBytes, wType, wZeros, in output, requantize);
            else
                Depthwise(in a, in window2D, xBytes, xType, xZero, wBytes, wType, wZeros, in output, requantize);
            return;
        }

        for (int n = 0; n < a.Images; n++)
            for (int grp = 0; grp < a.Groups; grp++)
            {
                var image = xBytes.Slice((n * a.Groups + grp) * cg * a.InSize, cg * a.InSize);
                long yBase = ((long)n * a.Groups + grp) * mg * a.OutSize;
                ReadOnlySpan<int> aZero = wzCount <= 1 ? wZeros : wZeros.Slice(grp * mg, mg);
                for (int win = 0; win < a.Windows; win++)
                {
                    int start = win * a.WindowColumns, count = Math.Min(a.WindowColumns, a.OutSize - start);
                    scoped QGemmOperand opB;
                    if (a.Pointwise)
                    {
                        opB = new QGemmOperand(image.Slice(start, Extent(k, a.InSize, count)), a.InSize, xType, bZero);
                    }
                    else
                    {
                        var cols = new Span<byte>(columns, k * count);
                        Im2ColQ8.Build(image, cg, in window, start, count, (byte)xZero, cols, count);
                        opB = new QGemmOperand(cols, count, xType, bZero);
                    }
                    bool direct = !requantize;
                    var c = direct
                        ? new Span<int>(output.Int32Y + yBase + start, Extent(mg, a.OutSize, count))
                        : new Span<int>(sums, mg * count);
                    int ldc = direct ? a.OutSize : count;
                    if (_packed is not null)
                        _gemm.Gemm(_packed[grp], count, opB, c, ldc, ctx.Pool);
                    else
                        _gemm.Gemm(mg, count, k, new QGemmOperand(wBytes.Slice(grp * mg * k, mg * k), Math.Max(k, 1), wType, aZero), opB, c, ldc, ctx.Pool);
                    if (requantize)
                    {
                        ReadOnlySpan<int> bias = output.Bias == null ? [] : new ReadOnlySpan<int>(output.Bias + grp * mg, mg);
                        ReadOnlySpan<float> rowScale = output.WScaleCount == 1 ? new ReadOnlySpan<float>(output.WScale, 1) : new ReadOnlySpan<float>(output.WScale + grp * mg, mg);
                        Requantize.Block(c, mg, count, count, bias, rowScale, [output.XScale], output.YScale, output.YZero, output.YType,
                            new Span<byte>(output.Y + yBase + start, Extent(mg, a.OutSize, count)), a.OutSize);
                    }
                }
            }
    }

    // Every partial sum of `taps` products of zero-point-adjusted 8-bit values (each |v| ≤ 255) is an integer below 2^24,
    // which float32 holds exactly whatever the order of the additions.
    private static bool DepthwiseIsExactInFloat(int taps) => (long)taps * 255 * 255 < 1 << 24;

    // The depthwise sums on the float depthwise kernel (vectorized, threaded): inputs and weights with their zero points
    // subtracted are small integers, so the float sums are the exact integer sums; they are then requantized (or, for
    // ConvInteger, written) as integers.
    private static void DepthwiseInFloat(in NodeContext ctx, in QuantizedConvGeometry a, in Window2D window, ReadOnlySpan<byte> x, QuantType8 xType,
        int xZero, ReadOnlySpan<byte> w, QuantType8 wType, ReadOnlySpan<int> wZeros, in QuantizedConvOutput output, bool requantize)
    {
        int channels = a.Groups, taps = a.Depth, inImage = channels * a.InSize, outImage = channels * a.OutSize;
        var pool = System.Buffers.ArrayPool<float>.Shared;
        float[] xf = pool.Rent(inImage), wf = pool.Rent(channels * taps), yf = pool.Rent(outImage);
        int[] sums = System.Buffers.ArrayPool<int>.Shared.Rent(outImage);
        try
        {
            for (int c = 0; c < channels; c++)
            {
                int wz = wZeros.IsEmpty ? 0 : wZeros[wZeros.Length == 1 ? 0 : c];
                for (int t = 0; t < taps; t++)
                    wf[c * taps + t] = wType.Read(w[c * taps + t]) - wz;
            }
            for (int n = 0; n < a.Images; n++)
            {
                var image = x.Slice(n * inImage, inImage);
                if (xType == QuantType8.QS8)
                    TensorPrimitives.ConvertTruncating<sbyte, float>(MemoryMarshal.Cast<byte, sbyte>(image), xf.AsSpan(0, inImage));
                else
                    TensorPrimitives.ConvertTruncating<byte, float>(image, xf.AsSpan(0, inImage));
                TensorPrimitives.Subtract(xf.AsSpan(0, inImage), xZero, xf.AsSpan(0, inImage));
                ctx.Kernels.DepthwiseConv2D.Compute(xf.AsSpan(0, inImage), channels, 1, in window, wf.AsSpan(0, channels * taps), [],
                    Activation.None, yf.AsSpan(0, outImage), ctx.Pool);
                var ints = requantize ? sums.AsSpan(0, outImage) : new Span<int>(output.Int32Y + (long)n * outImage, outImage);
                TensorPrimitives.ConvertTruncating<float, int>(yf.AsSpan(0, outImage), ints);
                if (!requantize)
                    continue;
                for (int c = 0; c < channels; c++)
                    RequantizeChannel(in output, c, ints.Slice(c * a.OutSize, a.OutSize), (long)n * outImage + (long)c * a.OutSize);
            }
        }
        finally
        {
            pool.Return(xf);
            pool.Return(wf);
            pool.Return(yf);
            System.Buffers.ArrayPool<int>.Shared.Return(sums);
        }
    }

    // Output channel c's plane of sums into Y at element offset `at`: its bias and weight scale, the input and output scales.
    private static void RequantizeChannel(in QuantizedConvOutput output, int c, ReadOnlySpan<int> sums, long at)
    {
        ReadOnlySpan<int> bias = output.Bias == null ? [] : new ReadOnlySpan<int>(output.Bias + c, 1);
        var rowScale = new ReadOnlySpan<float>(output.WScale + (output.WScaleCount == 1 ? 0 : c), 1);
        Requantize.Block(sums, 1, sums.Length, sums.Length, bias, rowScale, [output.XScale], output.YScale, output.YZero, output.YType,
            new Span<byte>(output.Y + at, sums.Length), sums.Length);
    }

    // One input and one output channel per group: each plane's int32 sums from DepthwiseConvQ8 (no im2col, no GEMM), then
    // requantized into Y, or written to an int32 Y directly.
    private static void Depthwise(in QuantizedConvGeometry a, in Window2D window, ReadOnlySpan<byte> x, QuantType8 xType, int xZero,
        ReadOnlySpan<byte> w, QuantType8 wType, ReadOnlySpan<int> wZeros, in QuantizedConvOutput output, bool requantize)
    {
        int channels = a.Groups, taps = a.Depth;
        var rented = requantize ? System.Buffers.ArrayPool<int>.Shared.Rent(a.OutSize) : null;
        try
        {
            for (int n = 0; n < a.Images; n++)
                for (int c = 0; c < channels; c++)
                {
                    long plane = (long)n * channels + c;
                    var sums = requantize ? rented.AsSpan(0, a.OutSize) : new Span<int>(output.Int32Y + plane * a.OutSize, a.OutSize);
                    ReadOnlySpan<int> wz = wZeros.Length <= 1 ? wZeros : wZeros.Slice(c, 1);
                    DepthwiseConvQ8.Sums(x.Slice((int)(plane * a.InSize), a.InSize), xType, xZero, w.Slice(c * taps, taps), wType, wz, 1, in window, sums);
                    if (!requantize)
                        continue;
                    RequantizeChannel(in output, c, sums, plane * a.OutSize);
                }
        }
        finally
        {
            if (rented is not null)
                System.Buffers.ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Packs each group's constant weights with their constant (or absent) zero points, or null.</summary>
    private QGemmPackedA[]? TryPack(NodeDef node, BuildContext build)
    {
        if (!build.TryGetConstant(node.Input(_w), out var w) || w.Type is not (DataType.UInt8 or DataType.Int8) || w.Rank < 3
            || w.Shape[0] % _group != 0 || w.Count == 0)
            return null;
        TensorValue wz = default;
        if (node.Input(_wZero).Length > 0 && (!build.TryGetConstant(node.Input(_wZero), out wz) || wz.Type != w.Type
            || (wz.Count != 1 && !(wz.Rank == 1 && wz.Shape[0] == w.Shape[0]))))
            return null;
        int m = w.Shape[0] / _group, k = checked((int)(w.Count / w.Shape[0]));
        var zeros = new int[wz.IsNone ? 0 : wz.Count];
        if (!wz.IsNone)
            QuantTypes.ReadInts(wz, zeros);
        var type = QuantTypes.To8(w.Type);
        var bytes = w.Bytes;
        var packed = new QGemmPackedA[_group];
        for (int g = 0; g < _group; g++)
        {
            ReadOnlySpan<int> z = zeros.Length <= 1 ? zeros : zeros.AsSpan(g * m, m);
            packed[g] = _gemm.PackA(m, k, new QGemmOperand(bytes.Slice(g * m * k, m * k), Math.Max(k, 1), type, z));
        }
        return packed;
    }

    // Elements spanned by a rows × count block with row stride ld.
    private static int Extent(int rows, int ld, int count) => rows == 0 || count == 0 ? 0 : checked((rows - 1) * ld + count);

    private static long Align(long bytes) => (bytes + 63) & ~63L;
}
