using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels;

/// <summary>
/// <see cref="Activation"/> on one vector of any ISA: the building block of fused epilogues
/// (GEMM, depthwise) and of the standalone activation kernel. Matches <see cref="Activation.Apply(float)"/>
/// exactly for Relu, Clip, LeakyRelu, HardSigmoid and HardSwish; Sigmoid and Tanh are within a few ulp
/// (they go through the vector <c>Exp</c>).
/// </summary>
internal static class ActivationSimd
{
    /// <summary>The activation of every lane. None, Relu and Clip are inlined at the call site; the rest is a call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV>(TV x, Activation act) where TV : unmanaged, ISimdF32<TV>
    {
        TV y = act.Kind switch
        {
            ActivationKind.None => x,
            ActivationKind.Relu => TV.Max(x, TV.Zero),
            ActivationKind.Clip => TV.Min(TV.Max(x, TV.Splat(act.P0)), TV.Splat(act.P1)),
            _ => ApplyOther(x, act),
        };
        return act.HasAffine ? TV.Add(TV.Multiply(y, TV.Splat(act.Scale)), TV.Splat(act.Offset)) : y;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static TV ApplyOther<TV>(TV x, Activation act) where TV : unmanaged, ISimdF32<TV>
    {
        switch (act.Kind)
        {
            // x < 0 is false for NaN, so NaN passes through as in the reference.
            case ActivationKind.LeakyRelu: return TV.Select(TV.LessThan(x, TV.Zero), TV.Multiply(x, TV.Splat(act.P0)), x);
            case ActivationKind.Sigmoid: return Sigmoid(x);
            case ActivationKind.HardSigmoid:
                return TV.Max(TV.Zero, TV.Min(TV.Splat(1f), TV.Add(TV.Multiply(TV.Splat(act.P0), x), TV.Splat(act.P1))));
            case ActivationKind.HardSwish:
                // Divide rather than multiply by 1/6 so the result is bit-identical to the reference.
                TV gate = TV.Max(TV.Zero, TV.Min(TV.Splat(1f), TV.Add(TV.Divide(x, TV.Splat(6f)), TV.Splat(0.5f))));
                return TV.Multiply(x, gate);
            case ActivationKind.Tanh: return Tanh(x);
            default: throw new ArgumentOutOfRangeException(nameof(act), act.Kind, "Unknown activation kind.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Sigmoid<TV>(TV x) where TV : unmanaged, ISimdF32<TV>
    {
        TV one = TV.Splat(1f);
        return TV.Divide(one, TV.Add(one, TV.Exp(TV.Subtract(TV.Zero, x))));
    }

    private static TV Tanh<TV>(TV x) where TV : unmanaged, ISimdF32<TV>
    {
        // Large |x|: (1 − e^−2|x|)/(1 + e^−2|x|) with the sign of x (never overflows).
        // Small |x|: that difference cancels, so use the odd Taylor series to x^11 (truncation < 3e-9 relative below 0.3).
        TV ax = TV.Abs(x);
        TV t = TV.Exp(TV.Multiply(ax, TV.Splat(-2f)));
        TV one = TV.Splat(1f);
        TV big = TV.CopySign(TV.Divide(TV.Subtract(one, t), TV.Add(one, t)), x);
        TV x2 = TV.Multiply(x, x);
        TV p = TV.MultiplyAdd(x2, TV.Splat(-1382f / 155925f), TV.Splat(62f / 2835f));
        p = TV.MultiplyAdd(x2, p, TV.Splat(-17f / 315f));
        p = TV.MultiplyAdd(x2, p, TV.Splat(2f / 15f));
        p = TV.MultiplyAdd(x2, p, TV.Splat(-1f / 3f));
        p = TV.MultiplyAdd(TV.Multiply(x2, x), p, x);
        return TV.Select(TV.LessThan(ax, TV.Splat(0.3f)), p, big);
    }
}
