using System.Numerics;

namespace Mote.Kernels.Signal;

/// <summary>
/// The discrete Fourier transform of one length n, in double precision:
/// <c>X[k] = Σ_j x[j]·e^(−2πi·jk/n)</c> (<see cref="Forward"/>) and its unscaled conjugate
/// <c>x[j] = Σ_k X[k]·e^(+2πi·jk/n)</c> (<see cref="Backward"/>; divide by n for the inverse DFT).
/// Built once per call site over caller storage (<see cref="StorageLength"/> complex values), then applied
/// to any number of lines without allocating.
/// </summary>
/// <remarks>
/// <para>Algorithms: n a power of two runs an iterative radix-2 FFT; other n up to
/// <see cref="DirectLimit"/> a direct O(n²) sum over an exact twiddle table; larger n Bluestein's chirp-z
/// transform, which turns the length-n DFT into a circular convolution of power-of-two length m ≥ 2n − 1.</para>
/// <para>Accuracy: every twiddle and chirp is computed directly with <see cref="Math.SinCos"/> (the
/// chirp's angle πk²/n from k² mod 2n, so it stays small), never by recurrence; the error of a result is a
/// few ulp of double times log₂ n relative to the line's L2 norm, far below f32 resolution.</para>
/// <para>Layout: a line is n contiguous <see cref="Complex"/> values, transformed in place; the work span
/// (<see cref="WorkLength"/>) must not overlap the line or the storage.</para>
/// </remarks>
public readonly ref struct Fft
{
    /// <summary>Lengths up to this that are not powers of two use the direct sum.</summary>
    public const int DirectLimit = 64;

    private readonly ReadOnlySpan<Complex> _twiddles;   // e^(−2πik/n), k < n (direct) or < m/2 (radix-2 of length m)
    private readonly ReadOnlySpan<Complex> _chirp;      // Bluestein: e^(−πik²/n), k < n
    private readonly ReadOnlySpan<Complex> _filter;     // Bluestein: FFT_m of the conjugate chirp, wrapped

    /// <summary>Prepares the transform of length <paramref name="n"/> (≥ 1) in <paramref name="storage"/> (at least <see cref="StorageLength"/>(n) values).</summary>
    public Fft(int n, Span<Complex> storage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (storage.Length < StorageLength(n))
            throw new ArgumentException($"storage holds {storage.Length} values, the length-{n} transform needs {StorageLength(n)}", nameof(storage));
        Length = n;
        if (IsPowerOfTwo(n))
        {
            var tw = storage[..(n / 2)];
            Twiddles(tw, n);
            _twiddles = tw;
            Kind = FftKind.Radix2;
        }
        else if (n <= DirectLimit)
        {
            var tw = storage[..n];
            Twiddles(tw, n);
            _twiddles = tw;
            Kind = FftKind.Direct;
        }
        else
        {
            int m = BluesteinLength(n);
            var tw = storage[..(m / 2)];
            var chirp = storage.Slice(m / 2, n);
            var filter = storage.Slice(m / 2 + n, m);
            Twiddles(tw, m);
            for (int k = 0; k < n; k++)
            {
                // k² mod 2n keeps the angle below 2π, so the chirp is exact to an ulp even for large k.
                long q = (long)k * k % (2L * n);
                var (s, c) = Math.SinCos(Math.PI * q / n);
                chirp[k] = new Complex(c, -s);
            }
            filter.Clear();
            filter[0] = Complex.Conjugate(chirp[0]);
            for (int k = 1; k < n; k++)
                filter[k] = filter[m - k] = Complex.Conjugate(chirp[k]);
            Radix2(filter, tw);
            _twiddles = tw;
            _chirp = chirp;
            _filter = filter;
            Kind = FftKind.Bluestein;
        }
    }

    /// <summary>The transform length n.</summary>
    public int Length { get; }

    /// <summary>The algorithm chosen for <see cref="Length"/>.</summary>
    public FftKind Kind { get; }

    /// <summary>Complex values of storage the length-<paramref name="n"/> transform needs.</summary>
    public static int StorageLength(int n) =>
        IsPowerOfTwo(n) ? Math.Max(1, n / 2) : n <= DirectLimit ? n : BluesteinLength(n) / 2 + n + BluesteinLength(n);

    /// <summary>Complex values of work space <see cref="Forward"/> and <see cref="Backward"/> need for length <paramref name="n"/>.</summary>
    public static int WorkLength(int n) => IsPowerOfTwo(n) ? 0 : n <= DirectLimit ? n : BluesteinLength(n);

    /// <summary>Replaces <paramref name="line"/> (n values) by its DFT.</summary>
    public void Forward(Span<Complex> line, Span<Complex> work) => Transform(line, work);

    /// <summary>Replaces <paramref name="line"/> by its unscaled backward transform (n times the inverse DFT).</summary>
    public void Backward(Span<Complex> line, Span<Complex> work)
    {
        // conj(DFT(conj(x))) is the sum with e^(+2πi·jk/n).
        Conjugate(line);
        Transform(line, work);
        Conjugate(line);
    }

    private void Transform(Span<Complex> line, Span<Complex> work)
    {
        int n = Length;
        if (line.Length < n)
            throw new ArgumentException($"the line holds {line.Length} values, expected {n}", nameof(line));
        line = line[..n];
        if (work.Length < WorkLength(n))
            throw new ArgumentException($"work holds {work.Length} values, expected {WorkLength(n)}", nameof(work));
        switch (Kind)
        {
            case FftKind.Radix2:
                Radix2(line, _twiddles);
                break;
            case FftKind.Direct:
                Direct(line, work[..n], _twiddles);
                break;
            default:
                Bluestein(line, work[..BluesteinLength(n)]);
                break;
        }
    }

    // X[k] = Σ_j x[j]·w[(j·k) mod n]: the table holds every power of the root, so no angle is ever rounded twice.
    private static void Direct(Span<Complex> line, Span<Complex> work, ReadOnlySpan<Complex> w)
    {
        int n = line.Length;
        line.CopyTo(work);
        for (int k = 0; k < n; k++)
        {
            Complex sum = Complex.Zero;
            int e = 0;
            for (int j = 0; j < n; j++)
            {
                sum += work[j] * w[e];
                e += k;
                if (e >= n)
                    e -= n;
            }
            line[k] = sum;
        }
    }

    // X[k] = c[k]·Σ_j (x[j]·c[j])·conj(c[k − j]) with c[k] = e^(−πik²/n): a circular convolution of length m.
    private void Bluestein(Span<Complex> line, Span<Complex> work)
    {
        int n = Length, m = work.Length;
        for (int j = 0; j < n; j++)
            work[j] = line[j] * _chirp[j];
        work[n..].Clear();
        Radix2(work, _twiddles);
        for (int k = 0; k < m; k++)
            work[k] *= _filter[k];
        // Inverse length-m FFT through conjugation, then the 1/m scale.
        Conjugate(work);
        Radix2(work, _twiddles);
        double scale = 1.0 / m;
        for (int k = 0; k < n; k++)
            line[k] = Complex.Conjugate(work[k]) * scale * _chirp[k];
    }

    /// <summary>In-place iterative decimation-in-time FFT of power-of-two length; <paramref name="w"/> holds e^(−2πik/len), k &lt; len/2.</summary>
    private static void Radix2(Span<Complex> a, ReadOnlySpan<Complex> w)
    {
        int n = a.Length;
        if (n <= 1)
            return;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
                j ^= bit;
            j |= bit;
            if (i < j)
                (a[i], a[j]) = (a[j], a[i]);
        }
        for (int len = 2; len <= n; len <<= 1)
        {
            int half = len >> 1, step = n / len;
            for (int start = 0; start < n; start += len)
                for (int k = 0; k < half; k++)
                {
                    Complex u = a[start + k];
                    Complex v = a[start + k + half] * w[k * step];
                    a[start + k] = u + v;
                    a[start + k + half] = u - v;
                }
        }
    }

    private static void Twiddles(Span<Complex> w, int n)
    {
        for (int k = 0; k < w.Length; k++)
        {
            var (s, c) = Math.SinCos(2 * Math.PI * k / n);
            w[k] = new Complex(c, -s);
        }
    }

    private static void Conjugate(Span<Complex> a)
    {
        for (int i = 0; i < a.Length; i++)
            a[i] = Complex.Conjugate(a[i]);
    }

    private static bool IsPowerOfTwo(int n) => n > 0 && (n & (n - 1)) == 0;

    private static int BluesteinLength(int n) => checked((int)BitOperations.RoundUpToPowerOf2((uint)(2 * n - 1)));
}

/// <summary>How an <see cref="Fft"/> computes its length.</summary>
public enum FftKind
{
    /// <summary>Iterative radix-2 (power-of-two lengths).</summary>
    Radix2,
    /// <summary>Direct O(n²) sum (short lengths that are not powers of two).</summary>
    Direct,
    /// <summary>Bluestein's chirp-z transform over a power-of-two convolution (long lengths that are not powers of two).</summary>
    Bluestein,
}
