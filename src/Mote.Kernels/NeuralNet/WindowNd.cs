namespace Mote.Kernels.NeuralNet;

/// <summary>
/// The sliding-window geometry of an N-D convolution or pooling over one channel volume (the spatial part of
/// NC D1…Dk): output position o covers input positions <c>o·stride − padBegin + k·dilation</c> per dimension,
/// for every kernel position k; positions outside the input are padding. The N-D counterpart of
/// <see cref="Convolution.Window2D"/>, for ranks the 2-D kernels do not cover (and negative pads, which
/// ConvTranspose with a large <c>output_shape</c> produces).
/// </summary>
/// <remarks>All spans have one entry per spatial dimension, row-major (last dimension fastest).</remarks>
public readonly ref struct WindowNd
{
    /// <summary>A window over the given sizes; <paramref name="padEnd"/> matters only to average pooling with padding counted.</summary>
    public WindowNd(ReadOnlySpan<int> input, ReadOnlySpan<int> output, ReadOnlySpan<int> kernel, ReadOnlySpan<int> strides,
        ReadOnlySpan<int> dilations, ReadOnlySpan<int> padBegin, ReadOnlySpan<int> padEnd)
    {
        int r = input.Length;
        if (r < 1 || output.Length != r || kernel.Length != r || strides.Length != r || dilations.Length != r || padBegin.Length != r || padEnd.Length != r)
            throw new ArgumentException("Window spans disagree on the number of spatial dimensions.");
        for (int d = 0; d < r; d++)
            if (input[d] < 0 || output[d] < 0 || kernel[d] < 1 || strides[d] < 1 || dilations[d] < 1)
                throw new ArgumentException($"Dimension {d}: sizes must be ≥ 0, kernel, stride and dilation ≥ 1.");
        Input = input;
        Output = output;
        Kernel = kernel;
        Strides = strides;
        Dilations = dilations;
        PadBegin = padBegin;
        PadEnd = padEnd;
        InputSize = Product(input);
        OutputSize = Product(output);
        KernelSize = Product(kernel);
    }

    /// <summary>Input sizes.</summary>
    public ReadOnlySpan<int> Input { get; }

    /// <summary>Output sizes.</summary>
    public ReadOnlySpan<int> Output { get; }

    /// <summary>Kernel sizes.</summary>
    public ReadOnlySpan<int> Kernel { get; }

    /// <summary>Strides.</summary>
    public ReadOnlySpan<int> Strides { get; }

    /// <summary>Dilations.</summary>
    public ReadOnlySpan<int> Dilations { get; }

    /// <summary>Padding before each dimension (may be negative: the window then starts inside the input).</summary>
    public ReadOnlySpan<int> PadBegin { get; }

    /// <summary>Padding after each dimension.</summary>
    public ReadOnlySpan<int> PadEnd { get; }

    /// <summary>Spatial rank.</summary>
    public int Rank => Input.Length;

    /// <summary>Input elements per channel.</summary>
    public int InputSize { get; }

    /// <summary>Output elements per channel (= im2col columns).</summary>
    public int OutputSize { get; }

    /// <summary>Kernel positions (= im2col rows per channel).</summary>
    public int KernelSize { get; }

    /// <summary>
    /// For output positions <c>[o0, o0 + n)</c> along the last dimension and kernel tap <paramref name="k"/> of
    /// it, the sub-range [lo, hi) whose input position falls inside the input; the first such input position is
    /// <c>(o0 + lo)·stride − padBegin + k·dilation</c>.
    /// </summary>
    public (int Lo, int Hi) ValidRange(int k, int o0, int n)
    {
        int d = Rank - 1;
        int offset = k * Dilations[d] - PadBegin[d]; // i = o·stride + offset
        int s = Strides[d];
        int first = offset >= 0 ? 0 : (-offset + s - 1) / s;
        int last = Input[d] - 1 - offset < 0 ? -1 : (Input[d] - 1 - offset) / s;
        int lo = Math.Clamp(first - o0, 0, n), hi = Math.Clamp(last + 1 - o0, lo, n);
        return (lo, hi);
    }

    /// <summary>
    /// The input offset of the outer dimensions (all but the last) for output index <paramref name="outer"/> and
    /// kernel index <paramref name="kernel"/>, in units of whole last-dimension rows, or −1 when that row is in
    /// the padding.
    /// </summary>
    public int OuterRow(ReadOnlySpan<int> outer, ReadOnlySpan<int> kernel)
    {
        int row = 0;
        for (int d = 0; d < Rank - 1; d++)
        {
            int i = outer[d] * Strides[d] - PadBegin[d] + kernel[d] * Dilations[d];
            if ((uint)i >= (uint)Input[d]) return -1;
            row = row * Input[d] + i;
        }
        return row;
    }

    /// <summary>Advances a row-major multi-index over <paramref name="shape"/> (last dimension fastest).</summary>
    public static void Next(Span<int> index, ReadOnlySpan<int> shape)
    {
        for (int d = index.Length - 1; d >= 0; d--)
        {
            if (++index[d] < shape[d]) return;
            index[d] = 0;
        }
    }

    /// <summary>Splits a row-major linear position into a multi-index over <paramref name="shape"/>.</summary>
    public static void Unravel(int position, ReadOnlySpan<int> shape, Span<int> index)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            int s = Math.Max(shape[d], 1);
            index[d] = position % s;
            position /= s;
        }
    }

    private static int Product(ReadOnlySpan<int> dims)
    {
        long p = 1;
        foreach (int d in dims) p *= d;
        return checked((int)p);
    }
}
