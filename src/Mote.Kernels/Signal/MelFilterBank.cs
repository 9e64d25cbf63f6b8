namespace Mote.Kernels.Signal;

/// <summary>
/// The ONNX MelWeightMatrix: triangular filters that map the <c>dft_length/2 + 1</c> bins of a one-sided
/// spectrum to <c>melBins</c> mel bands, as a row-major [dft_length/2 + 1, melBins] matrix.
/// </summary>
/// <remarks>
/// As the ONNX definition reads: melBins + 2 edge points are spaced evenly on the mel scale
/// (mel = 2595·log10(1 + hz/700)) from the lower edge in steps of (high − low)/(melBins + 2), converted back
/// to hertz and to bin numbers ⌊(dft_length + 1)·hz / sample_rate⌋. Band i rises linearly from bin[i] to 1
/// at bin[i+1] and falls to 0 at bin[i+2]; a band whose rise is empty is a single 1 at its centre.
/// Entries that fall outside the matrix are dropped. Computed in double.
/// </remarks>
public static class MelFilterBank
{
    /// <summary>Writes the matrix into <paramref name="w"/> ((dftLength/2 + 1)·melBins values); <paramref name="edges"/> holds melBins + 2 ints of work space.</summary>
    public static void Fill(Span<double> w, Span<long> edges, int melBins, int dftLength, long sampleRate, double lowerHertz, double upperHertz)
    {
        int rows = dftLength / 2 + 1;
        if (w.Length < (long)rows * melBins)
            throw new ArgumentException($"the matrix needs {rows}×{melBins} values, got {w.Length}", nameof(w));
        if (edges.Length < melBins + 2)
            throw new ArgumentException($"edges needs {melBins + 2} values, got {edges.Length}", nameof(edges));
        w[..(rows * melBins)].Clear();
        double low = HertzToMel(lowerHertz), high = HertzToMel(upperHertz);
        double step = (high - low) / (melBins + 2);
        for (int i = 0; i < melBins + 2; i++)
        {
            double hz = 700 * (Math.Pow(10, (i * step + low) / 2595) - 1);
            edges[i] = (long)Math.Floor((dftLength + 1) * hz / sampleRate);
        }
        for (int i = 0; i < melBins; i++)
        {
            long left = edges[i], center = edges[i + 1], right = edges[i + 2];
            if (center == left)
                Set(w, rows, melBins, center, i, 1);
            else
                for (long j = left; j <= center; j++)
                    Set(w, rows, melBins, j, i, (double)(j - left) / (center - left));
            for (long j = center; j < right; j++)
                Set(w, rows, melBins, j, i, (double)(right - j) / (right - center));
        }
    }

    private static double HertzToMel(double hz) => 2595 * Math.Log10(1 + hz / 700);

    private static void Set(Span<double> w, int rows, int cols, long row, int col, double value)
    {
        if (row >= 0 && row < rows)
            w[(int)row * cols + col] = value;
    }
}
