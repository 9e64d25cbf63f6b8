namespace Mote.Runtime.Operators.Misc;

/// <summary>
/// A small pseudo-random generator (xoshiro256**, seeded through SplitMix64) for the random operators.
/// With a <c>seed</c> attribute a node draws the same values on every run; without one each run takes
/// a fresh seed. Not cryptographic, not NumPy's sequence.
/// </summary>
internal struct RandomStream
{
    private static long s_counter = Environment.TickCount64;

    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A stream for a node: seeded from <paramref name="seed"/> when given, else from a fresh process-wide value.</summary>
    public static RandomStream Create(float? seed)
    {
        ulong x = seed is { } s ? (ulong)BitConverter.SingleToInt32Bits(s) ^ 0x5DEECE66DUL : (ulong)Interlocked.Add(ref s_counter, 0x3C6EF372FE94F82BL);
        var r = new RandomStream();
        r._s0 = SplitMix(ref x);
        r._s1 = SplitMix(ref x);
        r._s2 = SplitMix(ref x);
        r._s3 = SplitMix(ref x);
        return r;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A standard normal sample (Box–Muller; one of the pair is used).</summary>
    public double NextNormal()
    {
        double u = 1 - NextDouble(), v = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    private ulong Next()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
