namespace Mote.Runtime.Tests;

/// <summary>One recurrent node to test: operator, sizes and attributes.</summary>
internal sealed record RecurrentCase(string Op, int Seq, int Batch, int Input, int Hidden)
{
    public string Direction { get; init; } = "forward";
    public int Layout { get; init; }
    public bool Bias { get; init; } = true;
    public int[]? Lengths { get; init; }
    public bool InitialH { get; init; }
    public bool InitialC { get; init; }
    public bool Peepholes { get; init; }
    public float? Clip { get; init; }
    public string[]? Activations { get; init; }
    public float[]? Alphas { get; init; }
    public float[]? Betas { get; init; }
    public bool InputForget { get; init; }
    public bool LinearBeforeReset { get; init; }

    public int Directions => Direction == "bidirectional" ? 2 : 1;

    public int Gates => Op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };

    public int[] XShape => Layout == 0 ? [Seq, Batch, Input] : [Batch, Seq, Input];

    public int[] YShape => Layout == 0 ? [Seq, Directions, Batch, Hidden] : [Batch, Seq, Directions, Hidden];

    public int[] StateShape => Layout == 0 ? [Directions, Batch, Hidden] : [Batch, Directions, Hidden];
}

/// <summary>
/// Scalar double-precision LSTM, GRU and RNN written from the ONNX operator definitions: one sequence at a
/// time, one unit at a time, with every product summed out in full. The f32 operators are compared to it.
/// </summary>
internal static class RecurrentReference
{
    /// <summary>Y, Y_h and Y_c (empty for GRU and RNN) in the case's layout.</summary>
    public static (double[] Y, double[] Yh, double[] Yc) Compute(RecurrentCase c, double[] x, double[] w, double[] r, double[]? b,
        double[]? h0, double[]? c0, double[]? p)
    {
        int n = c.Hidden, gates = c.Gates, dirs = c.Directions;
        var y = new double[c.Seq * dirs * c.Batch * n];
        var yh = new double[dirs * c.Batch * n];
        var yc = c.Op == "LSTM" ? new double[dirs * c.Batch * n] : [];
        var acts = Activations(c);
        int per = c.Op switch { "LSTM" => 3, "GRU" => 2, _ => 1 };
        for (int d = 0; d < dirs; d++)
        {
            bool reverse = c.Direction == "reverse" || d == 1;
            for (int bi = 0; bi < c.Batch; bi++)
            {
                int length = c.Lengths?[bi] ?? c.Seq;
                var h = new double[n];
                var cell = new double[n];
                if (h0 is not null)
                    Array.Copy(h0, StateIndex(c, d, bi), h, 0, n);
                if (c0 is not null)
                    Array.Copy(c0, StateIndex(c, d, bi), cell, 0, n);
                for (int s = 0; s < length; s++)
                {
                    int t = reverse ? length - 1 - s : s;
                    int xAt = (c.Layout == 0 ? t * c.Batch + bi : bi * c.Seq + t) * c.Input;
                    // Xt·Wᵀ + Wb and Ht-1·Rᵀ + Rb for every gate row, kept apart (GRU needs them separately).
                    var xw = new double[gates * n];
                    var hr = new double[gates * n];
                    for (int row = 0; row < gates * n; row++)
                    {
                        double sx = b is null ? 0 : b[d * 2 * gates * n + row], sh = b is null ? 0 : b[d * 2 * gates * n + gates * n + row];
                        for (int k = 0; k < c.Input; k++)
                            sx += x[xAt + k] * w[(d * gates * n + row) * c.Input + k];
                        for (int k = 0; k < n; k++)
                            sh += h[k] * r[(d * gates * n + row) * n + k];
                        xw[row] = sx;
                        hr[row] = sh;
                    }
                    var f = acts[d * per];
                    if (c.Op == "LSTM")
                        (h, cell) = LstmStep(c, xw, hr, h, cell, p, d, f, acts[d * per + 1], acts[d * per + 2]);
                    else if (c.Op == "GRU")
                        h = GruStep(c, xw, hr, h, r, b, d, f, acts[d * per + 1]);
                    else
                        h = [.. Enumerable.Range(0, n).Select(j => f(Clip(c, xw[j] + hr[j])))];
                    int yAt = c.Layout == 0 ? ((t * dirs + d) * c.Batch + bi) * n : ((bi * c.Seq + t) * dirs + d) * n;
                    Array.Copy(h, 0, y, yAt, n);
                }
                if (length > 0)
                {
                    Array.Copy(h, 0, yh, StateIndex(c, d, bi), n);
                    if (c.Op == "LSTM")
                        Array.Copy(cell, 0, yc, StateIndex(c, d, bi), n);
                }
            }
        }
        return (y, yh, yc);
    }

    private static (double[] H, double[] C) LstmStep(RecurrentCase c, double[] xw, double[] hr, double[] hPrev, double[] cPrev, double[]? p, int d,
        Func<double, double> f, Func<double, double> g, Func<double, double> hAct)
    {
        int n = c.Hidden;
        var h = new double[n];
        var cell = new double[n];
        for (int j = 0; j < n; j++)
        {
            // Gate blocks in W, R and B: i, o, f, c; peepholes: i, o, f.
            double pi = p is null ? 0 : p[d * 3 * n + j], po = p is null ? 0 : p[d * 3 * n + n + j], pf = p is null ? 0 : p[d * 3 * n + 2 * n + j];
            double i = f(Clip(c, xw[j] + hr[j] + pi * cPrev[j]));
            double fg = c.InputForget ? 1 - i : f(Clip(c, xw[2 * n + j] + hr[2 * n + j] + pf * cPrev[j]));
            double cc = g(Clip(c, xw[3 * n + j] + hr[3 * n + j]));
            cell[j] = fg * cPrev[j] + i * cc;
            double o = f(Clip(c, xw[n + j] + hr[n + j] + po * cell[j]));
            h[j] = o * hAct(cell[j]);
        }
        return (h, cell);
    }

    private static double[] GruStep(RecurrentCase c, double[] xw, double[] hr, double[] hPrev, double[] r, double[]? b, int d,
        Func<double, double> f, Func<double, double> g)
    {
        int n = c.Hidden;
        var z = new double[n];
        var rt = new double[n];
        for (int j = 0; j < n; j++)
        {
            z[j] = f(Clip(c, xw[j] + hr[j]));
            rt[j] = f(Clip(c, xw[n + j] + hr[n + j]));
        }
        var h = new double[n];
        for (int j = 0; j < n; j++)
        {
            double rbh = b is null ? 0 : b[d * 6 * n + 5 * n + j];
            double recurrent;
            if (c.LinearBeforeReset)
                recurrent = rt[j] * hr[2 * n + j]; // hr already holds Ht-1·Rhᵀ + Rbh
            else
            {
                recurrent = rbh;
                for (int k = 0; k < n; k++)
                    recurrent += rt[k] * hPrev[k] * r[(d * 3 * n + 2 * n + j) * n + k];
            }
            double cand = g(Clip(c, xw[2 * n + j] + recurrent));
            h[j] = (1 - z[j]) * cand + z[j] * hPrev[j];
        }
        return h;
    }

    private static int StateIndex(RecurrentCase c, int d, int b) => (c.Layout == 0 ? d * c.Batch + b : b * c.Directions + d) * c.Hidden;

    private static double Clip(RecurrentCase c, double v) => c.Clip is { } k ? Math.Clamp(v, -k, k) : v;

    /// <summary>
    /// The activation functions in order, with parameters consumed from the alpha/beta lists only by functions
    /// that have them (defaults of the standalone ONNX operators otherwise).
    /// </summary>
    private static Func<double, double>[] Activations(RecurrentCase c)
    {
        string[] defaults = c.Op switch { "LSTM" => ["Sigmoid", "Tanh", "Tanh"], "GRU" => ["Sigmoid", "Tanh"], _ => ["Tanh"] };
        var names = c.Activations ?? [.. Enumerable.Repeat(defaults, c.Directions).SelectMany(s => s)];
        int ai = 0, bi = 0;
        // Attributes are float32, so the defaults are the float values too.
        double A(double fallback) => c.Alphas is { } a && ai < a.Length ? a[ai++] : fallback;
        double B(double fallback) => c.Betas is { } b && bi < b.Length ? b[bi++] : fallback;
        var list = new List<Func<double, double>>();
        foreach (var name in names)
        {
            switch (name.ToLowerInvariant())
            {
                case "relu": list.Add(v => Math.Max(0, v)); break;
                case "tanh": list.Add(Math.Tanh); break;
                case "sigmoid": list.Add(v => 1 / (1 + Math.Exp(-v))); break;
                case "affine": { double a = A(1f), bb = B(0f); list.Add(v => a * v + bb); break; }
                case "leakyrelu": { double a = A(0.01f); list.Add(v => v >= 0 ? v : a * v); break; }
                case "thresholdedrelu": { double a = A(1f); list.Add(v => v > a ? v : 0); break; }
                case "scaledtanh": { double a = A(1f), bb = B(1f); list.Add(v => a * Math.Tanh(bb * v)); break; }
                case "hardsigmoid": { double a = A(0.2f), bb = B(0.5f); list.Add(v => Math.Min(Math.Max(a * v + bb, 0), 1)); break; }
                case "elu": { double a = A(1f); list.Add(v => v >= 0 ? v : a * (Math.Exp(v) - 1)); break; }
                case "softsign": list.Add(v => v / (1 + Math.Abs(v))); break;
                case "softplus": list.Add(v => Math.Log(1 + Math.Exp(v))); break;
                default: throw new ArgumentException(name);
            }
        }
        if (c.Directions == 2 && list.Count == defaults.Length)
            list.AddRange(list.ToArray());
        return [.. list];
    }
}
