namespace Mote.Kernels.Signal;

/// <summary>
/// Generalised cosine windows <c>w[n] = a0 − a1·cos(2πn/N) + a2·cos(4πn/N)</c>, n = 0 … size−1, with
/// N = size (periodic, for spectral analysis) or size − 1 (symmetric): Hann (0.5, 0.5, 0), Hamming
/// (25/46, 21/46, 0) and Blackman (0.42, 0.5, 0.08), as ONNX defines them.
/// </summary>
/// <remarks>
/// Computed in double from the exact angle of each n. A symmetric window of size 1 has N = 0 and so is
/// NaN, as the ONNX function body that defines these operators computes it.
/// </remarks>
public static class CosineWindow
{
    /// <summary>Hann coefficients (a0, a1, a2).</summary>
    public static (double A0, double A1, double A2) Hann => (0.5, 0.5, 0);

    /// <summary>Hamming coefficients (a0, a1, a2).</summary>
    public static (double A0, double A1, double A2) Hamming => (25.0 / 46, 21.0 / 46, 0);

    /// <summary>Blackman coefficients (a0, a1, a2).</summary>
    public static (double A0, double A1, double A2) Blackman => (0.42, 0.5, 0.08);

    /// <summary>Writes the window of <c>w.Length</c> points.</summary>
    public static void Fill(Span<double> w, (double A0, double A1, double A2) a, bool periodic)
    {
        double n = periodic ? w.Length : w.Length - 1;
        for (int i = 0; i < w.Length; i++)
        {
            double angle = 2 * Math.PI * i / n;
            w[i] = a.A0 - a.A1 * Math.Cos(angle) + a.A2 * Math.Cos(2 * angle);
        }
    }
}
