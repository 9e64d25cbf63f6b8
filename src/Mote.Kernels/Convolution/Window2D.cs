namespace Mote.Kernels.Convolution;

/// <summary>
/// The sliding-window geometry shared by 2-D convolution, im2col/col2im and pooling, for one image plane
/// (NCHW). Output pixel (oy, ox) covers input rows <c>oy·StrideHeight − PadTop + ky·DilationHeight</c>
/// for ky in [0, KernelHeight), and likewise for columns; positions outside the input are padding.
/// Output sizes are explicit so the caller decides floor or ceil mode (<see cref="Create"/> computes floor
/// or ceil for it). PadBottom and PadRight matter only to average pooling with <c>count_include_pad</c>.
/// </summary>
public readonly record struct Window2D
{
    /// <summary>Input rows (H).</summary>
    public int InputHeight { get; init; }
    /// <summary>Input columns (W).</summary>
    public int InputWidth { get; init; }
    /// <summary>Output rows.</summary>
    public int OutputHeight { get; init; }
    /// <summary>Output columns.</summary>
    public int OutputWidth { get; init; }
    /// <summary>Window rows.</summary>
    public int KernelHeight { get; init; }
    /// <summary>Window columns.</summary>
    public int KernelWidth { get; init; }
    /// <summary>Vertical stride (≥ 1).</summary>
    public int StrideHeight { get; init; }
    /// <summary>Horizontal stride (≥ 1).</summary>
    public int StrideWidth { get; init; }
    /// <summary>Vertical dilation (≥ 1).</summary>
    public int DilationHeight { get; init; }
    /// <summary>Horizontal dilation (≥ 1).</summary>
    public int DilationWidth { get; init; }
    /// <summary>Zero rows before the input.</summary>
    public int PadTop { get; init; }
    /// <summary>Zero columns before the input.</summary>
    public int PadLeft { get; init; }
    /// <summary>Zero rows after the input.</summary>
    public int PadBottom { get; init; }
    /// <summary>Zero columns after the input.</summary>
    public int PadRight { get; init; }

    /// <summary>Input elements per plane.</summary>
    public int InputSize => InputHeight * InputWidth;

    /// <summary>Output elements per plane (= im2col columns).</summary>
    public int OutputSize => OutputHeight * OutputWidth;

    /// <summary>Window taps (= im2col rows per channel).</summary>
    public int KernelSize => KernelHeight * KernelWidth;

    /// <summary>
    /// A window with output sizes <c>⌊(in + pads − dilation·(k−1) − 1)/stride⌋ + 1</c> (or ⌈⌉ when
    /// <paramref name="ceilMode"/>, dropping a last window that would start in the end padding, as ONNX does).
    /// </summary>
    public static Window2D Create(int inputHeight, int inputWidth, int kernelHeight, int kernelWidth,
        int strideHeight = 1, int strideWidth = 1, int dilationHeight = 1, int dilationWidth = 1,
        int padTop = 0, int padLeft = 0, int padBottom = 0, int padRight = 0, bool ceilMode = false)
    {
        var w = new Window2D
        {
            InputHeight = inputHeight, InputWidth = inputWidth, KernelHeight = kernelHeight, KernelWidth = kernelWidth,
            StrideHeight = strideHeight, StrideWidth = strideWidth, DilationHeight = dilationHeight, DilationWidth = dilationWidth,
            PadTop = padTop, PadLeft = padLeft, PadBottom = padBottom, PadRight = padRight,
            OutputHeight = OutputExtent(inputHeight, kernelHeight, strideHeight, dilationHeight, padTop, padBottom, ceilMode),
            OutputWidth = OutputExtent(inputWidth, kernelWidth, strideWidth, dilationWidth, padLeft, padRight, ceilMode),
        };
        w.Validate();
        return w;
    }

    private static int OutputExtent(int input, int kernel, int stride, int dilation, int padBegin, int padEnd, bool ceil)
    {
        int span = input + padBegin + padEnd - dilation * (kernel - 1) - 1;
        if (span < 0) return 0;
        int n = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (n - 1) * stride >= input + padBegin) n--; // last window must start inside input or begin pad
        return n;
    }

    /// <summary>Throws if a size is negative or a stride/dilation/kernel is below 1.</summary>
    public void Validate()
    {
        if (InputHeight < 0 || InputWidth < 0 || OutputHeight < 0 || OutputWidth < 0)
            throw new ArgumentException($"Negative size in {this}.");
        if (KernelHeight < 1 || KernelWidth < 1 || StrideHeight < 1 || StrideWidth < 1 || DilationHeight < 1 || DilationWidth < 1)
            throw new ArgumentException($"Kernel, stride and dilation must be ≥ 1 in {this}.");
        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
            throw new ArgumentException($"Negative padding in {this}.");
    }
}
