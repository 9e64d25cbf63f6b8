using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Mote.Kernels.Simd;

/// <summary>
/// Copies and fills of short float runs (tens of floats, thousands of times per layer): inline vector loops with an
/// overlapping last vector instead of calls into memmove/memset, whose per-call cost dominates at these lengths.
/// </summary>
internal static unsafe class FloatRuns
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            for (; i + 16 <= n; i += 16) Vector512.Load(src + i).Store(dst + i);
            if (i < n) Vector512.Load(src + n - 16).Store(dst + n - 16);
            return;
        }
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            for (; i + 8 <= n; i += 8) Vector256.Load(src + i).Store(dst + i);
            if (i < n) Vector256.Load(src + n - 8).Store(dst + n - 8);
            return;
        }
        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            for (; i + 4 <= n; i += 4) Vector128.Load(src + i).Store(dst + i);
            if (i < n) Vector128.Load(src + n - 4).Store(dst + n - 4);
            return;
        }
        for (; i < n; i++) dst[i] = src[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(float* dst, long n, float value)
    {
        long i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var v = Vector512.Create(value);
            for (; i + 16 <= n; i += 16) v.Store(dst + i);
            if (i < n) v.Store(dst + n - 16);
            return;
        }
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var v = Vector256.Create(value);
            for (; i + 8 <= n; i += 8) v.Store(dst + i);
            if (i < n) v.Store(dst + n - 8);
            return;
        }
        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            var v = Vector128.Create(value);
            for (; i + 4 <= n; i += 4) v.Store(dst + i);
            if (i < n) v.Store(dst + n - 4);
            return;
        }
        for (; i < n; i++) dst[i] = value;
    }
}
