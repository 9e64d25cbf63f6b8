using System.Numerics;
using System.Runtime.InteropServices;
using Mote.Kernels.Elementwise;

namespace Mote.Kernels.Recurrent;

/// <summary>Helpers shared by the recurrent cells.</summary>
internal static class RecurrentMath
{
    /// <summary>Clamps every element to [−<paramref name="clip"/>, <paramref name="clip"/>] in place; +∞ means no clip. NaN stays NaN.</summary>
    public static void Clip<T>(Span<T> x, float clip, SimdWidth width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (float.IsPositiveInfinity(clip))
            return;
        if (typeof(T) == typeof(float))
        {
            var xs = MemoryMarshal.Cast<T, float>(x);
            UnaryF32.Apply(new ClipFn(-clip, clip), xs, xs, width);
            return;
        }
        T hi = T.CreateChecked(clip), lo = -hi;
        for (int i = 0; i < x.Length; i++)
            x[i] = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
    }
}
