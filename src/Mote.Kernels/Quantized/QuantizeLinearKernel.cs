namespace Mote.Kernels.Quantized;

/// <summary>
/// Per-tensor linear quantization between f32 and 8-bit integers, the hot path of QuantizeLinear,
/// DequantizeLinear and DynamicQuantizeLinear: <c>q = clamp(roundHalfEven(x / scale) + zeroPoint)</c> and
/// <c>x = (q − zeroPoint) · scale</c>, exactly as <see cref="QuantizeReference"/> computes them (every
/// variant gives the same bits). One instance per variant (see <see cref="QuantKernelRegistry"/>).
/// </summary>
/// <remarks>
/// Layout contract: input and output are dense spans of the same length; they must not overlap. No
/// alignment is needed. The zero point must lie in the 8-bit type's range; the scale is used as given
/// (a zero scale is the caller's error: the quotient is ±∞ or NaN and saturates or gives 0).
/// </remarks>
public abstract unsafe class QuantizeLinearKernel
{
    /// <summary>Variant name, e.g. <c>QuantizeLinearAvx2</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The instruction-set tier of this variant.</summary>
    public abstract KernelTier Tier { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Quantizes <paramref name="x"/> into the 8-bit values <paramref name="y"/> of <paramref name="type"/>.</summary>
    public void Quantize(ReadOnlySpan<float> x, float scale, int zeroPoint, QuantType8 type, Span<byte> y)
    {
        if (y.Length != x.Length)
            throw new ArgumentException($"Output holds {y.Length} elements, input {x.Length}.", nameof(y));
        type.CheckZeroPoints([zeroPoint], nameof(zeroPoint));
        fixed (float* px = x)
        fixed (byte* py = y)
            QuantizeCore(px, x.Length, scale, zeroPoint, type, py);
    }

    /// <summary>Dequantizes the 8-bit values <paramref name="x"/> of <paramref name="type"/> into <paramref name="y"/>.</summary>
    public void Dequantize(ReadOnlySpan<byte> x, QuantType8 type, int zeroPoint, float scale, Span<float> y)
    {
        if (y.Length != x.Length)
            throw new ArgumentException($"Output holds {y.Length} elements, input {x.Length}.", nameof(y));
        type.CheckZeroPoints([zeroPoint], nameof(zeroPoint));
        fixed (byte* px = x)
        fixed (float* py = y)
            DequantizeCore(px, x.Length, type, zeroPoint, scale, py);
    }

    private protected abstract void QuantizeCore(float* x, int n, float scale, int zeroPoint, QuantType8 type, byte* y);

    private protected abstract void DequantizeCore(byte* x, int n, QuantType8 type, int zeroPoint, float scale, float* y);

    /// <summary>The scalar formulas over a range (reference variant, and inputs shorter than one vector).</summary>
    private protected static void QuantizeScalar(float* x, int n, float scale, int zeroPoint, QuantType8 type, byte* y)
    {
        int lo = type.Min(), hi = type.Max();
        for (int i = 0; i < n; i++)
            y[i] = (byte)QuantizeReference.Quantize(x[i], scale, zeroPoint, lo, hi);
    }

    private protected static void DequantizeScalar(byte* x, int n, QuantType8 type, int zeroPoint, float scale, float* y)
    {
        for (int i = 0; i < n; i++)
            y[i] = QuantizeReference.Dequantize(type.Read(x[i]), zeroPoint, scale);
    }
}

/// <summary>The scalar variant: <see cref="QuantizeReference"/> element by element.</summary>
internal sealed unsafe class QuantizeLinearReferenceKernel : QuantizeLinearKernel
{
    public override string Name => "QuantizeLinearReference";

    public override KernelTier Tier => KernelTier.Reference;

    private protected override void QuantizeCore(float* x, int n, float scale, int zeroPoint, QuantType8 type, byte* y) =>
        QuantizeScalar(x, n, scale, zeroPoint, type, y);

    private protected override void DequantizeCore(byte* x, int n, QuantType8 type, int zeroPoint, float scale, float* y) =>
        DequantizeScalar(x, n, type, zeroPoint, scale, y);
}

/// <summary>
/// A SIMD variant: whole blocks of <typeparamref name="TL"/> lanes, then one more block that overlaps the
/// previous one and ends at the last element (recomputing a few outputs with the same values), so there is no
/// scalar tail; inputs shorter than one block take the scalar formulas.
/// </summary>
internal sealed unsafe class QuantizeLinearSimd<TL>(string name, KernelTier tier) : QuantizeLinearKernel
    where TL : unmanaged, IQuantizeLanes<TL>
{
    public override string Name { get; } = name;

    public override KernelTier Tier { get; } = tier;

    private protected override void QuantizeCore(float* x, int n, float scale, int zeroPoint, QuantType8 type, byte* y)
    {
        int w = TL.Count;
        if (n < w)
        {
            QuantizeScalar(x, n, scale, zeroPoint, type, y);
            return;
        }
        float lo = type.Min(), hi = type.Max();
        int i = 0;
        for (; i <= n - w; i += w)
            TL.Quantize(x + i, scale, zeroPoint, lo, hi, y + i);
        if (i < n)
            TL.Quantize(x + n - w, scale, zeroPoint, lo, hi, y + n - w);
    }

    private protected override void DequantizeCore(byte* x, int n, QuantType8 type, int zeroPoint, float scale, float* y)
    {
        int w = TL.Count;
        if (n < w)
        {
            DequantizeScalar(x, n, type, zeroPoint, scale, y);
            return;
        }
        bool signed = type == QuantType8.QS8;
        int i = 0;
        for (; i <= n - w; i += w)
            TL.Dequantize(x + i, signed, zeroPoint, scale, y + i);
        if (i < n)
            TL.Dequantize(x + n - w, signed, zeroPoint, scale, y + n - w);
    }
}
