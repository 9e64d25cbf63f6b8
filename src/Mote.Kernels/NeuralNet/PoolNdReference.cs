using System.Numerics;

namespace Mote.Kernels.NeuralNet;

/// <summary>
/// Scalar pooling over any number of spatial dimensions, written as the ONNX definitions read: what runs
/// for ranks and element types the 2-D <see cref="Pooling.Pool2DKernel"/> does not cover, for MaxPool's
/// Indices output and for LpPool. Not fast.
/// </summary>
/// <remarks>
/// Layout: <c>planes</c> dense input volumes of <see cref="WindowNd.InputSize"/> (N·C of an NC D1…Dk
/// tensor), <c>planes</c> output volumes of <see cref="WindowNd.OutputSize"/>. Taps outside the input are
/// padding: ignored by max and Lp (0 contributes nothing), counted by average only with
/// <c>countIncludePad</c>, and then only inside [−padBegin, input + padEnd) per dimension.
/// </remarks>
public static class PoolNdReference
{
    /// <summary>
    /// MaxPool: the largest input under each window (NaN wins; the lowest value of T when every tap is
    /// padding). With <paramref name="indices"/> non-empty, also the flat index of the first tap holding it,
    /// counted over the whole input (plane·InputSize + position), row-major or, with
    /// <paramref name="columnMajor"/>, column-major within the plane.
    /// </summary>
    public static void Max<T>(ReadOnlySpan<T> x, int planes, scoped in WindowNd w, Span<T> y, Span<long> indices, bool columnMajor)
        where T : INumber<T>
    {
        Check(x.Length, y.Length, planes, in w);
        bool withIndices = !indices.IsEmpty;
        if (withIndices && indices.Length < (long)planes * w.OutputSize) throw new ArgumentException("Indices are shorter than the output.", nameof(indices));
        int r = w.Rank;
        Span<int> o = stackalloc int[r];
        Span<int> k = stackalloc int[r];
        T lowest = T.CreateSaturating(double.NegativeInfinity);
        for (int p = 0; p < planes; p++)
        {
            o.Clear();
            for (int op = 0; op < w.OutputSize; op++, WindowNd.Next(o, w.Output))
            {
                T best = lowest;
                long bestIndex = -1;
                k.Clear();
                for (int kp = 0; kp < w.KernelSize; kp++, WindowNd.Next(k, w.Kernel))
                {
                    if (!Tap(in w, o, k, columnMajor, out int at, out int stored, out _)) continue;
                    T v = x[p * w.InputSize + at];
                    if (bestIndex < 0 || v > best || (T.IsNaN(v) && !T.IsNaN(best)))
                    {
                        best = v;
                        bestIndex = (long)p * w.InputSize + stored;
                    }
                }
                y[p * w.OutputSize + op] = best;
                if (withIndices) indices[p * w.OutputSize + op] = bestIndex;
            }
        }
    }

    /// <summary>
    /// AveragePool: the sum under each window divided by the taps inside the input, or with
    /// <paramref name="countIncludePad"/> by the taps inside the padded input; 0 when that count is 0.
    /// </summary>
    public static void Average<T>(ReadOnlySpan<T> x, int planes, scoped in WindowNd w, bool countIncludePad, Span<T> y)
        where T : IFloatingPointIeee754<T>
    {
        Check(x.Length, y.Length, planes, in w);
        int r = w.Rank;
        Span<int> o = stackalloc int[r];
        Span<int> k = stackalloc int[r];
        for (int p = 0; p < planes; p++)
        {
            o.Clear();
            for (int op = 0; op < w.OutputSize; op++, WindowNd.Next(o, w.Output))
            {
                T sum = T.Zero;
                int inside = 0, padded = 0;
                k.Clear();
                for (int kp = 0; kp < w.KernelSize; kp++, WindowNd.Next(k, w.Kernel))
                {
                    bool isInside = Tap(in w, o, k, false, out int at, out _, out bool inPadded);
                    if (inPadded) padded++;
                    if (!isInside) continue;
                    sum += x[p * w.InputSize + at];
                    inside++;
                }
                int n = countIncludePad ? padded : inside;
                y[p * w.OutputSize + op] = n == 0 ? T.Zero : sum / T.CreateChecked(n);
            }
        }
    }

    /// <summary>LpPool: <c>(Σ |x|^p)^(1/p)</c> over the taps inside the input (padding adds nothing).</summary>
    public static void Lp<T>(ReadOnlySpan<T> x, int planes, scoped in WindowNd w, int p, Span<T> y)
        where T : IFloatingPointIeee754<T>
    {
        Check(x.Length, y.Length, planes, in w);
        int r = w.Rank;
        Span<int> o = stackalloc int[r];
        Span<int> k = stackalloc int[r];
        T power = T.CreateChecked(p), root = T.One / power;
        for (int plane = 0; plane < planes; plane++)
        {
            o.Clear();
            for (int op = 0; op < w.OutputSize; op++, WindowNd.Next(o, w.Output))
            {
                T sum = T.Zero;
                k.Clear();
                for (int kp = 0; kp < w.KernelSize; kp++, WindowNd.Next(k, w.Kernel))
                    if (Tap(in w, o, k, false, out int at, out _, out _))
                        sum += T.Pow(T.Abs(x[plane * w.InputSize + at]), power);
                y[plane * w.OutputSize + op] = T.Pow(sum, root);
            }
        }
    }

    /// <summary>Global pooling of one volume: max, mean or Lp norm of all its elements.</summary>
    public static T Global<T>(ReadOnlySpan<T> x, GlobalPoolKind kind, int p = 2) where T : IFloatingPointIeee754<T>
    {
        T acc = kind == GlobalPoolKind.Max ? T.NegativeInfinity : T.Zero;
        T power = T.CreateChecked(p);
        foreach (T v in x)
            acc = kind switch
            {
                GlobalPoolKind.Max => T.Max(acc, v),
                GlobalPoolKind.Average => acc + v,
                _ => acc + T.Pow(T.Abs(v), power),
            };
        return kind switch
        {
            GlobalPoolKind.Max => acc,
            GlobalPoolKind.Average => x.Length == 0 ? T.Zero : acc / T.CreateChecked(x.Length),
            _ => T.Pow(acc, T.One / power),
        };
    }

    // Where tap k of output position o reads: its row-major offset in the plane, the offset as stored in
    // Indices (row- or column-major), whether it lies inside the input and inside the padded input.
    private static bool Tap(scoped in WindowNd w, ReadOnlySpan<int> o, ReadOnlySpan<int> k, bool columnMajor, out int at, out int stored, out bool inPadded)
    {
        at = 0;
        stored = 0;
        inPadded = true;
        bool inside = true;
        int colStride = 1;
        for (int d = 0; d < w.Rank; d++)
        {
            int i = o[d] * w.Strides[d] - w.PadBegin[d] + k[d] * w.Dilations[d];
            if (i < -w.PadBegin[d] || i >= w.Input[d] + w.PadEnd[d]) inPadded = false;
            if ((uint)i >= (uint)w.Input[d]) inside = false;
            at = at * w.Input[d] + i;
            stored += i * colStride;
            colStride *= w.Input[d];
        }
        if (!columnMajor) stored = at;
        return inside;
    }

    private static void Check(int xLength, int yLength, int planes, scoped in WindowNd w)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(planes);
        if (xLength < (long)planes * w.InputSize) throw new ArgumentException("Input is smaller than planes·InputSize.");
        if (yLength < (long)planes * w.OutputSize) throw new ArgumentException("Output is smaller than planes·OutputSize.");
    }
}

/// <summary>What a global pooling computes.</summary>
public enum GlobalPoolKind
{
    /// <summary>The largest element.</summary>
    Max,
    /// <summary>The mean.</summary>
    Average,
    /// <summary>The Lp norm <c>(Σ |x|^p)^(1/p)</c>.</summary>
    Lp,
}
