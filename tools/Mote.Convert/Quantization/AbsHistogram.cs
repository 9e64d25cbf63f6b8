namespace Mote.Convert.Quantization;

/// <summary>
/// A histogram of the nonzero |x| over [0, <see cref="Limit"/>] in equal bins, accumulated over every sample; where the percentile
/// and entropy methods choose their clipping threshold.
/// </summary>
internal sealed class AbsHistogram(int bins, float limit)
{
    private readonly long[] _counts = new long[bins];

    /// <summary>The top of the last bin.</summary>
    public float Limit { get; } = limit;

    public void Add(ReadOnlySpan<float> values)
    {
        if (!(Limit > 0))
            return;
        double perBin = _counts.Length / (double)Limit;
        int last = _counts.Length - 1;
        // Exact zeros (most of a ReLU output) are held exactly by every range, so they are no evidence for choosing one.
        foreach (float v in values)
            if (v != 0 && !float.IsNaN(v))
                _counts[Math.Min(last, (int)(Math.Abs(v) * perBin))]++;
    }

    /// <summary>The smallest threshold below which a fraction <paramref name="p"/> of the values lies.</summary>
    public float Percentile(double p)
    {
        long total = _counts.Sum();
        if (total == 0)
            return Limit;
        long target = (long)Math.Ceiling(p * total), seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target)
                return (i + 1) * Limit / _counts.Length;
        }
        return Limit;
    }

    /// <summary>
    /// The threshold whose clipped histogram, requantized to <paramref name="levels"/> levels, is closest to itself in KL
    /// divergence: for each candidate number of bins i ≥ levels, P is the first i bins with everything beyond folded into
    /// the last, Q spreads each level's mass evenly over the non-empty bins it merges; the i with the smallest KL(P‖Q) wins.
    /// </summary>
    public float Entropy(int levels)
    {
        int n = _counts.Length;
        if (n <= levels || _counts.Sum() == 0)
            return Limit;
        double best = double.PositiveInfinity;
        int bestBins = n;
        var p = new double[n];
        var q = new double[n];
        for (int i = levels; i <= n; i++)
        {
            double outliers = 0;
            for (int j = i; j < n; j++)
                outliers += _counts[j];
            for (int j = 0; j < i; j++)
                p[j] = _counts[j];
            p[i - 1] += outliers;
            // Q: i bins merged into `levels` groups, each group's mass spread over its non-empty bins.
            double merge = (double)i / levels;
            for (int l = 0; l < levels; l++)
            {
                int start = (int)(l * merge), end = l == levels - 1 ? i : (int)((l + 1) * merge);
                double mass = 0;
                int nonEmpty = 0;
                for (int j = start; j < end; j++)
                {
                    mass += _counts[j];
                    if (_counts[j] != 0)
                        nonEmpty++;
                }
                for (int j = start; j < end; j++)
                    q[j] = _counts[j] == 0 || nonEmpty == 0 ? 0 : mass / nonEmpty;
            }
            double kl = Divergence(p.AsSpan(0, i), q.AsSpan(0, i));
            if (kl < best)
            {
                best = kl;
                bestBins = i;
            }
        }
        return bestBins * Limit / n;
    }

    // KL(P‖Q) of two unnormalized histograms; bins where P is empty contribute nothing, bins where only Q is empty are
    // smoothed (a small mass) rather than made infinite.
    private static double Divergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double sp = 0, sq = 0;
        for (int i = 0; i < p.Length; i++)
        {
            sp += p[i];
            sq += q[i];
        }
        if (sp == 0 || sq == 0)
            return double.PositiveInfinity;
        double kl = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0)
                continue;
            double pi = p[i] / sp, qi = Math.Max(q[i] / sq, 1e-12);
            kl += pi * Math.Log(pi / qi);
        }
        return kl;
    }
}
