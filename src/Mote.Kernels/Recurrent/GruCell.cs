using System.Numerics;
using System.Numerics.Tensors;
using Mote.Kernels.Elementwise;

namespace Mote.Kernels.Recurrent;

/// <summary>The settings of a GRU cell (ONNX GRU attributes for one direction).</summary>
/// <param name="F">Update and reset gate activation; ONNX default Sigmoid.</param>
/// <param name="G">Hidden activation; default Tanh.</param>
/// <param name="Clip">Bound applied to every gate's pre-activation, or +∞ for none.</param>
/// <param name="LinearBeforeReset">Apply the reset gate after the recurrent product (ONNX <c>linear_before_reset</c>).</param>
/// <param name="Width">Widest vectors the f32 activations may use.</param>
public readonly record struct GruCellOptions(RecurrentActivation F, RecurrentActivation G, float Clip, bool LinearBeforeReset, SimdWidth Width);

/// <summary>
/// One time step of one batch row of an ONNX GRU, in two halves around the recurrent products:
/// <code>
/// z = f(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz)                 gate order in every 3·H row: z, r, h
/// r = f(Xt·Wrᵀ + Ht-1·Rrᵀ + Wbr + Rbr)
/// h = g(Xt·Whᵀ + (r⊙Ht-1)·Rhᵀ + Rbh + Wbh)            linear_before_reset = 0
/// h = g(Xt·Whᵀ + r⊙(Ht-1·Rhᵀ + Rbh) + Wbh)            linear_before_reset = 1
/// Ht = (1 − z)⊙h + z⊙Ht-1
/// </code>
/// With <c>linear_before_reset = 0</c> the caller computes (r⊙Ht-1)·Rhᵀ between <see cref="Gates"/> and
/// <see cref="Hidden"/>; with 1, all three recurrent products come from one matrix product before <see cref="Gates"/>.
/// The clip (when set) bounds each pre-activation.
/// </summary>
/// <remarks>
/// Layout contract: <c>gates</c> is the 3·H row [z | r | h] holding the recurrent products on entry and is
/// overwritten (scratch); <c>projected</c> holds Xt·W[zrh]ᵀ plus the biases that sit outside the reset gate
/// (Wb[zr] + Rb[zr], and Wbh, plus Rbh unless linear_before_reset); <c>h</c> is Ht-1 on entry and Ht on return.
/// </remarks>
public static class GruCell
{
    /// <summary>The update and reset gates z and r, in place in the first 2·H of <paramref name="gates"/>.</summary>
    public static void Gates<T>(Span<T> gates, ReadOnlySpan<T> projected, int hidden, in GruCellOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gates.Length < 2 * hidden || projected.Length < 2 * hidden)
            throw new ArgumentException($"GRU gates of {hidden} units need 2·{hidden} values");
        var zr = gates[..(2 * hidden)];
        TensorPrimitives.Add(zr, projected[..(2 * hidden)], zr);
        RecurrentMath.Clip(zr, options.Clip, options.Width);
        options.F.Apply<T>(zr, zr, options.Width);
    }

    /// <summary>
    /// The candidate h and the new state Ht (in place in <paramref name="h"/>), after <see cref="Gates"/>;
    /// <paramref name="recurrentBiasH"/> is Rbh for linear_before_reset (empty when there is no bias), else ignored.
    /// </summary>
    public static void Hidden<T>(Span<T> gates, ReadOnlySpan<T> projected, ReadOnlySpan<T> recurrentBiasH, Span<T> h, in GruCellOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = h.Length;
        if (gates.Length < 3 * n || projected.Length < 3 * n)
            throw new ArgumentException($"GRU cell of {n} units needs 3·{n} gates and projections");
        var z = gates[..n];
        var r = gates.Slice(n, n);
        var cand = gates.Slice(2 * n, n);
        if (options.LinearBeforeReset)
        {
            if (!recurrentBiasH.IsEmpty)
                TensorPrimitives.Add(cand, recurrentBiasH[..n], cand);
            TensorPrimitives.Multiply(cand, r, cand);
        }
        TensorPrimitives.Add(cand, projected.Slice(2 * n, n), cand);
        RecurrentMath.Clip(cand, options.Clip, options.Width);
        options.G.Apply<T>(cand, cand, options.Width);
        // Ht = h + z⊙(Ht-1 − h); r is no longer needed and holds the difference.
        TensorPrimitives.Subtract(h, cand, r);
        TensorPrimitives.MultiplyAdd(z, r, cand, h);
    }
}
