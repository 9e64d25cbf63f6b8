namespace Mote.Runtime.Operators.Quantization;

/// <summary>How QuantizeLinear / DequantizeLinear parameters map onto the data.</summary>
internal enum QuantGranularity
{
    /// <summary>One scale (and zero point) for the whole tensor.</summary>
    PerTensor,
    /// <summary>One per index along <c>axis</c>.</summary>
    PerAxis,
    /// <summary>One per block of <c>block_size</c> consecutive indices along <c>axis</c>, per position of every other dimension.</summary>
    Blocked,
}

/// <summary>
/// The data seen as [Outer, Axis, Inner] around the quantization axis, and which scale each element uses.
/// Granularity follows the ONNX rule: a scale with one element is per tensor; otherwise <c>block_size &gt; 0</c>
/// means blocked (the scale has the data's shape with the axis cut to ⌈D/B⌉), else per axis (a 1-D scale of
/// the axis length). <see cref="NextRun"/> walks contiguous runs of elements that share one scale.
/// </summary>
internal readonly struct QuantLayout
{
    public QuantGranularity Kind { get; init; }
    public long Outer { get; init; }
    public int Axis { get; init; }
    public long Inner { get; init; }
    public int Block { get; init; }

    /// <summary>Blocks along the axis (blocked only).</summary>
    public int Blocks => Block == 0 ? 0 : (Axis + Block - 1) / Block;

    /// <summary>Total elements.</summary>
    public long Count => Outer * Axis * Inner;

    /// <summary>Resolves the layout; throws <see cref="MoteShapeException"/> when the parameter shapes do not fit.</summary>
    public static QuantLayout Resolve(int[] x, int[] scale, int[]? zeroPoint, long axisAttr, long blockSize, string scaleName)
    {
        long scaleCount = ShapeMath.Count(scale);
        if (zeroPoint is not null && !(ShapeMath.Count(zeroPoint) == 1 && scaleCount == 1) && !zeroPoint.AsSpan().SequenceEqual(scale))
            throw new MoteShapeException($"zero point {ShapeMath.Format(zeroPoint)} must have the shape of {scaleName} {ShapeMath.Format(scale)}");
        long total = ShapeMath.Count(x);
        if (scaleCount == 1)
            return new QuantLayout { Kind = QuantGranularity.PerTensor, Outer = 1, Axis = 1, Inner = total };
        int r = x.Length;
        if (r == 0 || axisAttr < -r || axisAttr >= r)
            throw new MoteShapeException($"axis {axisAttr} is out of range for a rank-{r} input with a non-scalar {scaleName} {ShapeMath.Format(scale)}");
        int axis = (int)(axisAttr < 0 ? axisAttr + r : axisAttr);
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
            outer *= x[d];
        for (int d = axis + 1; d < r; d++)
            inner *= x[d];
        if (blockSize > 0)
        {
            if (blockSize > int.MaxValue)
                throw new MoteNotSupportedException($"block_size {blockSize} is too large");
            int b = (int)blockSize;
            bool fits = scale.Length == r;
            for (int d = 0; fits && d < r; d++)
                fits = d == axis ? scale[d] == (x[d] + b - 1) / b : scale[d] == x[d];
            if (!fits)
                throw new MoteShapeException($"blocked {scaleName} {ShapeMath.Format(scale)} must have the input's shape {ShapeMath.Format(x)} with dimension {axis} = ⌈{x[axis]}/{b}⌉");
            return new QuantLayout { Kind = QuantGranularity.Blocked, Outer = outer, Axis = x[axis], Inner = inner, Block = b };
        }
        if (scale.Length != 1 || scale[0] != x[axis])
            throw new MoteShapeException($"per-axis {scaleName} {ShapeMath.Format(scale)} must be 1-D with {x[axis]} elements (input {ShapeMath.Format(x)}, axis {axis}); a blocked one needs block_size");
        return new QuantLayout { Kind = QuantGranularity.PerAxis, Outer = outer, Axis = x[axis], Inner = inner };
    }

    /// <summary>
    /// Advances <paramref name="cursor"/> (start at 0) to the next run of consecutive elements sharing a scale:
    /// returns false at the end, else its first element, length and scale index.
    /// </summary>
    public bool NextRun(ref long cursor, out long start, out int length, out long scaleIndex)
    {
        start = length = 0;
        scaleIndex = 0;
        long count = Count;
        if (cursor >= count)
            return false;
        start = cursor;
        switch (Kind)
        {
            case QuantGranularity.PerTensor:
                length = (int)Math.Min(count - start, int.MaxValue);
                break;
            case QuantGranularity.PerAxis:
            {
                // Runs of Inner elements at one axis index.
                long row = start / Inner;
                scaleIndex = row % Axis;
                length = (int)Math.Min((row + 1) * Inner - start, int.MaxValue);
                break;
            }
            default:
                if (Inner == 1)
                {
                    // The axis is innermost: runs of up to Block elements along it.
                    long o = start / Axis;
                    int a = (int)(start % Axis), b = a / Block;
                    scaleIndex = o * Blocks + b;
                    length = Math.Min((b + 1) * Block, Axis) - a;
                }
                else
                {
                    // Every element of a row along Inner has its own scale.
                    long i = start % Inner, rest = start / Inner;
                    int a = (int)(rest % Axis);
                    long o = rest / Axis;
                    scaleIndex = (o * Blocks + a / Block) * Inner + i;
                    length = 1;
                }
                break;
        }
        cursor = start + length;
        return true;
    }
}
