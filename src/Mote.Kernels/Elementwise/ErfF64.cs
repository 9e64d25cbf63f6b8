namespace Mote.Kernels.Elementwise;

/// <summary>
/// erf(x) and log(1+x) in double precision (.NET has neither an erf nor an accurate log1p). erf uses
/// the all-positive series erf(x) = 2/√π · e^(−x²) · Σ 2ⁿx^(2n+1)/(1·3···(2n+1)) for |x| &lt; 2 (no
/// cancellation) and the continued fraction of erfc for larger |x|; both are summed to double
/// rounding, so the result is within a few ulp. Scalar only: it is the reference for the float
/// kernels and the f64 path of the Erf and Gelu operators.
/// </summary>
public static class ErfF64
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double OneOverSqrtPi = 0.5641895835477563;

    /// <summary>The error function.</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
            return x;
        double a = Math.Abs(x);
        double r;
        if (a < 2)
            r = Series(a);
        else if (a < 6)
            r = 1 - ErfcContinuedFraction(a);
        else
            r = 1;
        return x < 0 ? -r : r;
    }

    /// <summary>The complementary error function 1 − erf(x), accurate also where it is tiny.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
            return x;
        if (x < 2)
            return 1 - Erf(x);
        return x < 27 ? ErfcContinuedFraction(x) : 0;
    }

    /// <summary>log(1 + u), accurate also when |u| is far below the rounding of 1 + u.</summary>
    public static double Log1P(double u)
    {
        double w = 1 + u;
        // log(w)·u/(w−1) cancels the error made in forming w (Goldberg's trick).
        return w == 1 ? u : double.IsPositiveInfinity(w) ? w : Math.Log(w) * u / (w - 1);
    }

    private static double Series(double a)
    {
        double x2 = a * a;
        double term = a, sum = a;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17)
                break;
        }
        return TwoOverSqrtPi * ExpMinusSquare(a) * sum;
    }

    // e^(−a²) with a² split exactly: a = hi + lo with hi a float, so hi² is exact in double and the
    // rounding of a² (relative 1e-16, magnified by a² in the exponent) does not reach the result.
    private static double ExpMinusSquare(double a)
    {
        double hi = (float)a, lo = a - hi;
        return Math.Exp(-hi * hi) * Math.Exp(-(2 * hi * lo + lo * lo));
    }

    // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), evaluated by modified Lentz.
    private static double ErfcContinuedFraction(double a)
    {
        const double Tiny = 1e-300;
        double f = a, c = a, d = 0;
        for (int k = 1; k < 500; k++)
        {
            double coef = k * 0.5;
            d = a + coef * d;
            d = d == 0 ? Tiny : d;
            c = a + coef / c;
            c = c == 0 ? Tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-17)
                break;
        }
        return OneOverSqrtPi * ExpMinusSquare(a) / f;
    }
}
