using System.Numerics;
using System.Numerics.Tensors;
using Mote.Kernels.Elementwise;

namespace Mote.Kernels.Recurrent;

/// <summary>The settings of an LSTM cell (ONNX LSTM attributes for one direction).</summary>
/// <param name="F">Gate activation (input, forget, output gates); ONNX default Sigmoid.</param>
/// <param name="G">Cell-input activation; default Tanh.</param>
/// <param name="H">Cell-output activation; default Tanh.</param>
/// <param name="Clip">Bound applied to every gate's pre-activation, or +∞ for none.</param>
/// <param name="InputForget">Couple the forget gate to the input gate: f = 1 − i.</param>
/// <param name="Width">Widest vectors the f32 activations may use.</param>
public readonly record struct LstmCellOptions(RecurrentActivation F, RecurrentActivation G, RecurrentActivation H, float Clip, bool InputForget, SimdWidth Width);

/// <summary>
/// One time step of one batch row of an ONNX LSTM, after the matrix products:
/// <code>
/// i = f(Xt·Wiᵀ + Ht-1·Riᵀ + Pi⊙Ct-1 + Wbi + Rbi)      gate order in every 4·H row: i, o, f, c
/// f = f(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf⊙Ct-1 + Wbf + Rbf)      (1 − i with input_forget)
/// c = g(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc)
/// Ct = f⊙Ct-1 + i⊙c
/// o = f(Xt·Woᵀ + Ht-1·Roᵀ + Po⊙Ct + Wbo + Rbo)
/// Ht = o⊙h(Ct)
/// </code>
/// The clip (when set) bounds each gate's pre-activation, after the peephole term, as ONNX Runtime does; the
/// cell state itself is not clipped.
/// </summary>
/// <remarks>
/// Layout contract: <c>gates</c> holds the 4·H recurrent products Ht-1·R[iofc]ᵀ and is overwritten (scratch);
/// <c>projected</c> holds Xt·W[iofc]ᵀ plus both biases; <c>c</c> is Ct-1 on entry and Ct on return;
/// <c>h</c> receives Ht and must not overlap the others; <c>peepholes</c> is P[iof] (3·H) or empty.
/// </remarks>
public static class LstmCell
{
    /// <summary>Computes Ct (in place in <paramref name="c"/>) and Ht (into <paramref name="h"/>).</summary>
    /// <typeparam name="T">float (vectorized) or double.</typeparam>
    public static void Step<T>(Span<T> gates, ReadOnlySpan<T> projected, Span<T> c, Span<T> h, ReadOnlySpan<T> peepholes, in LstmCellOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = c.Length;
        if (gates.Length < 4 * n || projected.Length < 4 * n || h.Length < n || (!peepholes.IsEmpty && peepholes.Length < 3 * n))
            throw new ArgumentException($"LSTM cell of {n} units needs 4·{n} gates and projections and {n} outputs");
        var w = options.Width;
        TensorPrimitives.Add(gates[..(4 * n)], projected[..(4 * n)], gates[..(4 * n)]);
        var i = gates[..n];
        var o = gates.Slice(n, n);
        var f = gates.Slice(2 * n, n);
        var g = gates.Slice(3 * n, n);
        bool peep = !peepholes.IsEmpty;

        if (peep)
            TensorPrimitives.MultiplyAdd(peepholes[..n], c, i, i);
        RecurrentMath.Clip(i, options.Clip, w);
        options.F.Apply<T>(i, i, w);
        if (options.InputForget)
            TensorPrimitives.Subtract(T.One, i, f);
        else
        {
            if (peep)
                TensorPrimitives.MultiplyAdd(peepholes.Slice(2 * n, n), c, f, f);
            RecurrentMath.Clip(f, options.Clip, w);
            options.F.Apply<T>(f, f, w);
        }
        RecurrentMath.Clip(g, options.Clip, w);
        options.G.Apply<T>(g, g, w);

        TensorPrimitives.Multiply(f, c, c);
        TensorPrimitives.MultiplyAdd(i, g, c, c);

        if (peep)
            TensorPrimitives.MultiplyAdd(peepholes.Slice(n, n), c, o, o);
        RecurrentMath.Clip(o, options.Clip, w);
        options.F.Apply<T>(o, o, w);
        options.H.Apply<T>(c, h[..n], w);
        TensorPrimitives.Multiply(h[..n], o, h[..n]);
    }
}
