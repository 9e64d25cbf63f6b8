using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Kernels.Data;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Resize (opset 19): inputs X, roi, scales, sizes (scales or sizes, for the dimensions in
/// <c>axes</c>); modes nearest (every element type), linear and cubic (float32, N-dimensional,
/// separable), every coordinate_transformation_mode, keep_aspect_ratio_policy, exclude_outside,
/// extrapolation_value and antialias. The output shape needs scales or sizes before the run;
/// roi is read when the node runs.
/// <para>
/// Each execution builds per-axis tap tables in scratch (source indices and weights per output
/// position), marks the axes they leave unchanged, then runs: a plain copy when nothing changes;
/// for nearest, 2× upsampling of the last two axes through its kernel or else a table-driven
/// gather; for linear on the last two axes (any outer dimensions, e.g. NCHW), the fused bilinear
/// plane kernel; otherwise one separable pass per changed axis, downscaling axes first.
/// </para>
/// </summary>
internal sealed class ResizeOperator : Operator
{
    private readonly ResizeFilter _filter;
    private readonly ResizeAspect _aspect;
    private readonly float _extrapolation;
    private readonly long[]? _axes;

    public ResizeOperator(NodeDef node) : base(node)
    {
        var mode = node.GetString("mode", "nearest");
        var coords = node.GetString("coordinate_transformation_mode", "half_pixel");
        var rounding = node.GetString("nearest_mode", "round_prefer_floor");
        var aspect = node.GetString("keep_aspect_ratio_policy", "stretch");
        _filter = new ResizeFilter
        {
            Mode = mode switch
            {
                "nearest" => ResizeMode.Nearest,
                "linear" => ResizeMode.Linear,
                "cubic" => ResizeMode.Cubic,
                _ => throw new MoteNotSupportedException($"Resize mode '{mode}' is not nearest, linear or cubic"),
            },
            Coordinates = coords switch
            {
                "half_pixel" => ResizeCoordinates.HalfPixel,
                "half_pixel_symmetric" => ResizeCoordinates.HalfPixelSymmetric,
                "pytorch_half_pixel" => ResizeCoordinates.PytorchHalfPixel,
                "align_corners" => ResizeCoordinates.AlignCorners,
                "asymmetric" => ResizeCoordinates.Asymmetric,
                "tf_crop_and_resize" => ResizeCoordinates.TfCropAndResize,
                _ => throw new MoteNotSupportedException($"Resize coordinate_transformation_mode '{coords}' is not supported"),
            },
            Rounding = rounding switch
            {
                "round_prefer_floor" => ResizeRounding.RoundPreferFloor,
                "round_prefer_ceil" => ResizeRounding.RoundPreferCeil,
                "floor" => ResizeRounding.Floor,
                "ceil" => ResizeRounding.Ceil,
                _ => throw new MoteNotSupportedException($"Resize nearest_mode '{rounding}' is not supported"),
            },
            CubicA = node.GetFloat("cubic_coeff_a", -0.75f),
            ExcludeOutside = node.GetInt("exclude_outside", 0) != 0,
            // Antialiasing only changes linear and cubic filters.
            Antialias = node.GetInt("antialias", 0) != 0 && mode != "nearest",
        };
        _aspect = aspect switch
        {
            "stretch" => ResizeAspect.Stretch,
            "not_larger" => ResizeAspect.NotLarger,
            "not_smaller" => ResizeAspect.NotSmaller,
            _ => throw new MoteNotSupportedException($"Resize keep_aspect_ratio_policy '{aspect}' is not supported"),
        };
        _extrapolation = node.GetFloat("extrapolation_value", 0);
        _axes = node.GetInts("axes");
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        var type = ctx.InputType(0);
        int r = shape.Length;
        if (r == 0)
            throw new MoteShapeException("Resize input must have rank 1 or more, got a scalar");
        if (_filter.Mode != ResizeMode.Nearest && type != DataType.Float32)
            throw new MoteNotSupportedException($"Resize {_filter.Mode} is implemented for f32, got {type.ShortName()}");
        if (_filter.Mode == ResizeMode.Nearest && type != DataType.Bool && !TypeSwitch.IsNumeric(type))
            throw new MoteNotSupportedException($"Resize is not defined for {type.ShortName()}");
        bool hasScales = ctx.HasInput(2) && ShapeMath.Count(ctx.InputShape(2)) > 0;
        bool hasSizes = ctx.HasInput(3) && ShapeMath.Count(ctx.InputShape(3)) > 0;
        if (hasScales == hasSizes)
            throw new MoteShapeException("Resize needs exactly one of scales and sizes");
        var which = hasScales ? 2 : 3;
        if (!ctx.TryGetValue(which, out var spec))
            throw new ValueNotKnownException($"the output shape depends on the runtime value of input {which} ({(hasScales ? "scales" : "sizes")})");

        var p = Plan.Allocate(r);
        // roi never changes the schedule (tf_crop_and_resize treats every listed axis as resized), so planning can go without it.
        Prepare(shape, default, hasScales ? spec : default, hasScales ? default : spec, ref p);
        for (int d = 0; d < r; d++)
            if (shape[d] == 0 && p.Out[d] > 0)
                throw new MoteShapeException($"cannot resize the empty dimension {d} of {ShapeMath.Format(shape)} to {p.Out[d]}");
        var tables = new ResizeTableSet(new byte[p.TableBytes], p.Offsets, p.Out, p.Taps);
        ulong active = BuildTables(shape, p, tables);
        ctx.SetOutput(0, type, p.Out.ToArray());
        ctx.RequestScratch(Align(p.TableBytes) + WorkBytes(shape, p.Out, tables, active));
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int r = x.Rank;
        Span<int> ints = stackalloc int[2 * r];
        Span<double> doubles = stackalloc double[4 * r];
        Span<long> offsets = stackalloc long[r];
        var p = new Plan
        {
            Out = ints[..r],
            Taps = ints[r..],
            Scale = doubles[..r],
            Resized = doubles.Slice(r, r),
            RoiStart = doubles.Slice(2 * r, r),
            RoiEnd = doubles.Slice(3 * r, r),
            Offsets = offsets,
        };
        var scales = ctx.Input(2);
        var sizes = ctx.Input(3);
        bool hasScales = !scales.IsNone && scales.Count > 0;
        Prepare(x.Shape, ctx.Input(1), hasScales ? scales : default, hasScales ? default : sizes, ref p);
        if (!p.Out.SequenceEqual(y.Shape))
            throw new MoteShapeException($"Resize output {ShapeMath.Format(p.Out)} differs from the planned {ShapeMath.Format(y.Shape)}: scales or sizes changed after planning");
        if (y.Count == 0)
            return;
        var tableMemory = ctx.Scratch[..(int)p.TableBytes];
        var tables = new ResizeTableSet(tableMemory, p.Offsets, p.Out, p.Taps);
        ulong active = BuildTables(x.Shape, p, tables);
        var work = ctx.Scratch[(int)Align(p.TableBytes)..];
        if (active == 0)
        {
            x.Bytes.CopyTo(y.Bytes);
            return;
        }
        if (_filter.Mode == ResizeMode.Nearest)
            Nearest(x, y, tables, active);
        else
            Linear(x, y, tables, active, MemoryMarshal.Cast<byte, float>(work));
    }

    /// <summary>Geometry and table layout of one execution, per dimension (stack memory while executing).</summary>
    private ref struct Plan
    {
        public Span<int> Out, Taps;
        public Span<double> Scale, Resized, RoiStart, RoiEnd;
        public Span<long> Offsets;
        public long TableBytes;

        public static Plan Allocate(int r) => new()
        {
            Out = new int[r],
            Taps = new int[r],
            Scale = new double[r],
            Resized = new double[r],
            RoiStart = new double[r],
            RoiEnd = new double[r],
            Offsets = new long[r],
        };
    }

    /// <summary>Reads scales / sizes / roi, computes the geometry and the table layout.</summary>
    private void Prepare(int[] shape, TensorValue roi, TensorValue scales, TensorValue sizes, ref Plan p)
    {
        int r = shape.Length;
        Span<int> axes = stackalloc int[_axes?.Length ?? r];
        if (_axes is null)
            for (int i = 0; i < r; i++)
                axes[i] = i;
        else
            for (int i = 0; i < axes.Length; i++)
                axes[i] = ShapeMath.Axis(_axes[i], r, "Resize");
        Span<float> scaleValues = stackalloc float[scales.IsNone ? 0 : (int)scales.Count];
        if (!scales.IsNone)
        {
            if (scales.Type != DataType.Float32)
                throw new MoteShapeException($"scales must be f32, got {scales.Type.ShortName()}");
            scales.Span<float>().CopyTo(scaleValues);
        }
        Span<long> sizeValues = stackalloc long[sizes.IsNone ? 0 : (int)sizes.Count];
        if (!sizes.IsNone)
            new IndexSpan(sizes).CopyTo(sizeValues);
        bool useRoi = _filter.Coordinates == ResizeCoordinates.TfCropAndResize && !roi.IsNone && roi.Count > 0;
        Span<double> roiValues = stackalloc double[useRoi ? (int)roi.Count : 0];
        if (useRoi)
        {
            if (roi.Type == DataType.Float32)
                for (int i = 0; i < roiValues.Length; i++)
                    roiValues[i] = roi.Span<float>()[i];
            else if (roi.Type == DataType.Float64)
                roi.Span<double>().CopyTo(roiValues);
            else
                throw new MoteShapeException($"roi must be f32 or f64, got {roi.Type.ShortName()}");
        }
        ResizeGeometry.Compute(shape, axes, scaleValues, sizeValues, roiValues, _aspect, p.Out, p.Scale, p.Resized, p.RoiStart, p.RoiEnd);
        for (int d = 0; d < r; d++)
            p.Taps[d] = _filter.Taps(p.Scale[d]);
        p.TableBytes = ResizeTableSet.Layout(p.Out, p.Taps, p.Offsets);
    }

    /// <summary>Fills every dimension's tables; returns the mask of dimensions they change.</summary>
    private ulong BuildTables(int[] shape, in Plan p, ResizeTableSet tables)
    {
        ulong active = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            _filter.Build(shape[d], p.Out[d], p.Scale[d], p.Resized[d], p.RoiStart[d], p.RoiEnd[d], tables.Index(d), tables.Weight(d), tables.Outside(d));
            bool listed = _axes is null;
            for (int i = 0; !listed && i < _axes!.Length; i++)
                listed = ShapeMath.Axis(_axes[i], shape.Length, "Resize") == d;
            bool changes = _filter.Coordinates == ResizeCoordinates.TfCropAndResize
                ? listed
                : !ResizeFilter.IsIdentity(shape[d], p.Out[d], p.Taps[d], tables.Index(d), tables.Weight(d), tables.Outside(d));
            if (changes)
                active |= 1UL << d;
        }
        return active;
    }

    private static long Align(long bytes) => (bytes + 63) & ~63L;

    /// <summary>Float32 work memory the linear/cubic schedule needs (intermediate tensors or the bilinear row cache).</summary>
    private long WorkBytes(int[] shape, ReadOnlySpan<int> output, ResizeTableSet tables, ulong active)
    {
        if (_filter.Mode == ResizeMode.Nearest || active == 0)
            return 0;
        if (UseBilinear(shape.Length, tables, active))
            return 2L * output[^1] * sizeof(float);
        Span<int> order = stackalloc int[shape.Length];
        int passes = Order(shape, output, active, order);
        Span<int> cur = stackalloc int[shape.Length];
        shape.CopyTo(cur);
        long largest = 0;
        for (int i = 0; i < passes - 1; i++)
        {
            cur[order[i]] = output[order[i]];
            largest = Math.Max(largest, ShapeMath.Count(cur));
        }
        int buffers = passes >= 3 ? 2 : passes - 1;
        return buffers * Align(largest * sizeof(float));
    }

    /// <summary>Bilinear on the last two dimensions only (both changed), without extrapolation.</summary>
    private bool UseBilinear(int r, ResizeTableSet tables, ulong active) =>
        r >= 2 && active == (3UL << (r - 2)) && tables.Taps(r - 1) == 2 && tables.Taps(r - 2) == 2
        && _filter.Coordinates != ResizeCoordinates.TfCropAndResize;

    /// <summary>The changed dimensions in pass order: strongest downscale first; among equals the last dimension first.</summary>
    private static int Order(ReadOnlySpan<int> shape, ReadOnlySpan<int> output, ulong active, Span<int> order)
    {
        int n = 0;
        for (int d = 0; d < shape.Length; d++)
            if ((active & (1UL << d)) != 0)
                order[n++] = d;
        var o = order[..n];
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && Before(o[j], o[j - 1], shape, output); j--)
                (o[j], o[j - 1]) = (o[j - 1], o[j]);
        return n;
    }

    private static bool Before(int a, int b, ReadOnlySpan<int> shape, ReadOnlySpan<int> output)
    {
        double ra = (double)output[a] / Math.Max(1, shape[a]), rb = (double)output[b] / Math.Max(1, shape[b]);
        return ra != rb ? ra < rb : a > b;
    }

    private void Nearest(TensorValue x, TensorValue y, ResizeTableSet tables, ulong active)
    {
        int es = x.Type.Size();
        if (ResizeNearestPass.IsUpsample2x(x.Shape, y.Shape, tables, active, _filter.Coordinates == ResizeCoordinates.TfCropAndResize))
        {
            int r = x.Rank;
            ResizeNearest.Upsample2x(x.Bytes, y.Bytes, ShapeMath.Product(x.Shape, 0, r - 2), x.Shape[r - 2], x.Shape[r - 1], es);
            return;
        }
        Span<byte> e = stackalloc byte[8];
        Encode(x.Type, _extrapolation, e);
        switch (es)
        {
            case 1: ResizeNearestPass.Run(x.Bytes, x.Shape, y.Bytes, y.Shape, tables, active, e[0]); break;
            case 2: ResizeNearestPass.Run(x.Bytes, x.Shape, y.Bytes, y.Shape, tables, active, MemoryMarshal.Read<ushort>(e)); break;
            case 4: ResizeNearestPass.Run(x.Bytes, x.Shape, y.Bytes, y.Shape, tables, active, MemoryMarshal.Read<uint>(e)); break;
            default: ResizeNearestPass.Run(x.Bytes, x.Shape, y.Bytes, y.Shape, tables, active, MemoryMarshal.Read<ulong>(e)); break;
        }
    }

    /// <summary>The extrapolation value as an element of <paramref name="type"/> (saturated for integers).</summary>
    private static void Encode(DataType type, float value, Span<byte> dst)
    {
        if (type == DataType.Bool)
        {
            dst[0] = value != 0 ? (byte)1 : (byte)0;
            return;
        }
        var job = new EncodeJob { Value = value, Destination = dst };
        TypeSwitch.Numeric(type, ref job, "Resize");
    }

    private ref struct EncodeJob : INumericAction
    {
        public float Value;
        public Span<byte> Destination;

        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T> =>
            MemoryMarshal.Write(Destination, T.CreateSaturating(Value));
    }

    private void Linear(TensorValue x, TensorValue y, ResizeTableSet tables, ulong active, Span<float> work)
    {
        var inShape = x.Shape;
        var outShape = y.Shape;
        int r = inShape.Length;
        if (UseBilinear(r, tables, active))
        {
            int h = inShape[r - 2], w = inShape[r - 1], oh = outShape[r - 2], ow = outShape[r - 1];
            long planes = ShapeMath.Product(inShape, 0, r - 2);
            var src = x.Span<float>();
            var dst = y.Span<float>();
            var rows = work[..(2 * ow)];
            for (long p = 0; p < planes; p++)
                ResizeBilinearF32.Plane(src.Slice((int)(p * h * w), h * w), h, w, dst.Slice((int)(p * oh * ow), oh * ow), oh, ow,
                    tables.Index(r - 2), tables.Weight(r - 2), tables.Index(r - 1), tables.Weight(r - 1), rows);
            return;
        }
        Span<int> order = stackalloc int[r];
        int passes = Order(inShape, outShape, active, order);
        Span<int> cur = stackalloc int[r];
        inShape.CopyTo(cur);
        long largest = 0;
        for (int i = 0; i < passes - 1; i++)
        {
            cur[order[i]] = outShape[order[i]];
            largest = Math.Max(largest, ShapeMath.Count(cur));
        }
        long bufferFloats = Align(largest * sizeof(float)) / sizeof(float);
        inShape.CopyTo(cur);
        ReadOnlySpan<float> from = x.Span<float>();
        for (int i = 0; i < passes; i++)
        {
            int d = order[i];
            long outer = ShapeMath.Product(cur, 0, d);
            long inner = ShapeMath.Product(cur, d + 1, r);
            int inLen = cur[d];
            cur[d] = outShape[d];
            Span<float> to = i == passes - 1 ? y.Span<float>() : work.Slice((int)(i % 2 * bufferFloats), (int)ShapeMath.Count(cur));
            ResizeLinearPass.Run(from, to, outer, inLen, outShape[d], inner, tables.Index(d), tables.Weight(d), tables.Outside(d), tables.Taps(d), _extrapolation);
            from = to;
        }
    }
}
