using System.Numerics;
using System.Numerics.Tensors;
using Mote.Kernels.Elementwise;

namespace Mote.Kernels.Recurrent;

/// <summary>
/// One time step of one batch row of an ONNX RNN: <c>Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb)</c>, the clip (when
/// not +∞) bounding the pre-activation.
/// </summary>
/// <remarks>
/// Layout contract: <c>recurrent</c> holds Ht-1·Rᵀ, <c>projected</c> Xt·Wᵀ plus both biases; <c>h</c> (which
/// may be either input, exactly) receives Ht.
/// </remarks>
public static class RnnCell
{
    /// <summary>Computes Ht into <paramref name="h"/>.</summary>
    public static void Step<T>(ReadOnlySpan<T> recurrent, ReadOnlySpan<T> projected, Span<T> h, RecurrentActivation f, float clip, SimdWidth width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = h.Length;
        if (recurrent.Length < n || projected.Length < n)
            throw new ArgumentException($"RNN cell of {n} units needs {n} recurrent and projected values");
        TensorPrimitives.Add(recurrent[..n], projected[..n], h);
        RecurrentMath.Clip(h, clip, width);
        f.Apply<T>(h, h, width);
    }
}
