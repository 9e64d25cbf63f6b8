namespace Mote.Kernels.Convolution;

/// <summary>
/// The scalar reference convolution, written as the ONNX Conv definition reads, for any number of spatial
/// dimensions: what operator tests compare against. Not fast.
/// </summary>
/// <remarks>
/// <c>y[n, m, o…] = act(bias[m] + Σ_{c, k…} x[n, g·C/G + c, o·stride − padBegin + k·dilation …] · w[m, c, k…])</c>
/// where g = m / (M/G) is the group of output channel m, positions outside x count as 0, and the sum runs
/// over the C/G input channels of the group and every kernel position, in that order, in float.
/// Shapes: x = [N, C, D1…Dk], w = [M, C/G, K1…Kk], bias = [M] or empty, y = [N, M, O1…Ok] (see
/// <see cref="OutputShape"/>); <c>pads</c> = [begin1…beginK, end1…endK]. All dense row-major.
/// </remarks>
public static class ConvReference
{
    /// <summary>The output shape [N, M, O1…Ok] with <c>Oi = ⌊(Di + begin + end − dilation·(Ki−1) − 1)/stride⌋ + 1</c>.</summary>
    public static int[] OutputShape(ReadOnlySpan<int> xShape, ReadOnlySpan<int> wShape, ReadOnlySpan<int> strides, ReadOnlySpan<int> dilations, ReadOnlySpan<int> pads)
    {
        int k = xShape.Length - 2;
        var y = new int[k + 2];
        y[0] = xShape[0];
        y[1] = wShape[0];
        for (int i = 0; i < k; i++)
            y[i + 2] = Math.Max(0, (xShape[i + 2] + pads[i] + pads[i + k] - dilations[i] * (wShape[i + 2] - 1) - 1) / strides[i] + 1);
        return y;
    }

    /// <summary>Computes the convolution into <paramref name="y"/> (shape from <see cref="OutputShape"/>).</summary>
    public static void Conv(ReadOnlySpan<float> x, ReadOnlySpan<int> xShape, ReadOnlySpan<float> w, ReadOnlySpan<int> wShape,
        ReadOnlySpan<float> bias, int group, ReadOnlySpan<int> strides, ReadOnlySpan<int> dilations, ReadOnlySpan<int> pads,
        Span<float> y, Activation activation = default)
    {
        int k = xShape.Length - 2;
        if (k < 1 || wShape.Length != k + 2 || strides.Length != k || dilations.Length != k || pads.Length != 2 * k)
            throw new ArgumentException("Shapes, strides, dilations and pads disagree on the number of spatial dimensions.");
        int n = xShape[0], c = xShape[1], m = wShape[0], cg = wShape[1];
        if (group < 1 || c != cg * group || m % group != 0)
            throw new ArgumentException($"C = {c}, weight channels = {cg}, M = {m} do not fit {group} groups.");
        int[] yShape = OutputShape(xShape, wShape, strides, dilations, pads);
        int inSize = Product(xShape[2..]), outSize = Product(yShape.AsSpan(2)), kSize = Product(wShape[2..]);
        if (x.Length < n * c * inSize || w.Length < m * cg * kSize || y.Length < n * m * outSize || (bias.Length != 0 && bias.Length < m))
            throw new ArgumentException("A buffer is smaller than its shape.");
        int mPerGroup = m / group;
        Span<int> o = stackalloc int[k];
        Span<int> kk = stackalloc int[k];
        for (int b = 0; b < n; b++)
            for (int oc = 0; oc < m; oc++)
            {
                int g = oc / mPerGroup;
                o.Clear();
                for (int op = 0; op < outSize; op++, Next(o, yShape.AsSpan(2)))
                {
                    float sum = 0f;
                    for (int ic = 0; ic < cg; ic++)
                    {
                        int xPlane = (b * c + g * cg + ic) * inSize;
                        int wPlane = (oc * cg + ic) * kSize;
                        kk.Clear();
                        for (int kp = 0; kp < kSize; kp++, Next(kk, wShape[2..]))
                        {
                            int xi = 0;
                            bool inside = true;
                            for (int d = 0; d < k; d++)
                            {
                                int pos = o[d] * strides[d] - pads[d] + kk[d] * dilations[d];
                                if ((uint)pos >= (uint)xShape[d + 2]) { inside = false; break; }
                                xi = xi * xShape[d + 2] + pos;
                            }
                            if (inside) sum += x[xPlane + xi] * w[wPlane + kp];
                        }
                    }
                    if (bias.Length != 0) sum += bias[oc];
                    y[(b * m + oc) * outSize + op] = activation.Apply(sum);
                }
            }
    }

    // Advances a row-major multi-index (last dimension fastest).
    private static void Next(Span<int> index, ReadOnlySpan<int> shape)
    {
        for (int d = index.Length - 1; d >= 0; d--)
        {
            if (++index[d] < shape[d]) return;
            index[d] = 0;
        }
    }

    private static int Product(ReadOnlySpan<int> dims)
    {
        int p = 1;
        foreach (int d in dims) p *= d;
        return p;
    }
}
