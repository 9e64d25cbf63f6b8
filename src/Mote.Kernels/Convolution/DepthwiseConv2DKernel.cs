using Mote.Kernels.Simd;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Convolution;

/// <summary>
/// Depthwise 2-D convolution (groups = input channels) of one image, with bias and activation fused:
/// <c>y[oc, oy, ox] = act(bias[oc] + Σ_{ky,kx} x[oc / multiplier, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw] · w[oc, ky, kx])</c>.
/// </summary>
/// <remarks>
/// Layout: input = <c>channels</c> planes of H×W; weights = [channels·multiplier, kh, kw]; bias =
/// [channels·multiplier] or empty (zero); output = channels·multiplier planes of OH×OW. Output channel oc
/// reads input channel oc / multiplier (ONNX Conv with group = C and M = C·multiplier). All dense NCHW, no
/// alignment required, output must not overlap the others. With a pool, channels are split across threads;
/// every channel is computed the same way whatever the thread count.
/// </remarks>
public abstract unsafe class DepthwiseConv2DKernel
{
    /// <summary>Variant name.</summary>
    public abstract string Name { get; }

    /// <summary>The instruction-set tier.</summary>
    public abstract KernelTier Tier { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Computes the convolution (see the type remarks for layout).</summary>
    public void Compute(ReadOnlySpan<float> input, int channels, int multiplier, in Window2D window,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Activation activation, Span<float> output, KernelThreadPool? pool = null)
    {
        window.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(multiplier, 1);
        int outChannels = channels * multiplier;
        if (input.Length < (long)channels * window.InputSize) throw new ArgumentException("Input is smaller than channels·H·W.", nameof(input));
        if (weights.Length < (long)outChannels * window.KernelSize) throw new ArgumentException("Weights are smaller than channels·multiplier·kh·kw.", nameof(weights));
        if (bias.Length != 0 && bias.Length < outChannels) throw new ArgumentException("Bias is shorter than the output channels.", nameof(bias));
        if (output.Length < (long)outChannels * window.OutputSize) throw new ArgumentException("Output is smaller than channels·multiplier·OH·OW.", nameof(output));
        if (outChannels == 0 || window.OutputSize == 0) return;
        fixed (float* x = input, w = weights, b = bias, y = output)
        {
            var job = new Job { X = x, W = w, B = bias.Length == 0 ? null : b, Y = y, Window = window, Multiplier = multiplier, Activation = activation, Channels = outChannels, Run = ChannelFunction };
            int tasks = KernelThreadPool.TaskCount(pool, (long)outChannels * window.OutputSize * window.KernelSize, Math.Min(outChannels, pool?.ThreadCount * 4 ?? 1));
            job.Tasks = tasks;
            if (pool is null || tasks == 1) job.Execute(0, pool is null ? KernelScratch.ForCurrentThread : pool.GetScratch(0));
            else pool.Run(job, tasks);
        }
    }

    /// <summary>The variant's static worker: computes output channels [first, end) of a job.</summary>
    internal abstract delegate*<in Job, int, int, KernelScratch, void> ChannelFunction { get; }

    internal struct Job : IParallelTask
    {
        public float* X, W, B, Y;
        public Window2D Window;
        public int Multiplier, Channels, Tasks;
        public Activation Activation;
        public delegate*<in Job, int, int, KernelScratch, void> Run;

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            int first = (int)((long)Channels * taskIndex / Tasks), end = (int)((long)Channels * (taskIndex + 1) / Tasks);
            Run(in this, first, end, scratch);
        }
    }
}

/// <summary>The reference as a kernel-table variant.</summary>
internal sealed unsafe class DepthwiseConv2DReferenceKernel : DepthwiseConv2DKernel
{
    public override string Name => "DepthwiseConv2DReference";

    public override KernelTier Tier => KernelTier.Reference;

    internal override delegate*<in Job, int, int, KernelScratch, void> ChannelFunction => &Channels;

    private static void Channels(in Job job, int first, int end, KernelScratch scratch)
    {
        Window2D w = job.Window;
        for (int oc = first; oc < end; oc++)
        {
            var input = new ReadOnlySpan<float>(job.X + (nint)(oc / job.Multiplier) * w.InputSize, w.InputSize);
            var weights = new ReadOnlySpan<float>(job.W + (nint)oc * w.KernelSize, w.KernelSize);
            var output = new Span<float>(job.Y + (nint)oc * w.OutputSize, w.OutputSize);
            DepthwiseConv2DReference.Plane(input, in w, weights, job.B == null ? 0f : job.B[oc], job.Activation, output);
        }
    }
}

/// <summary>Depthwise convolution on one vector ISA through <see cref="WindowDriver{TV, TOp}"/>.</summary>
internal sealed unsafe class DepthwiseConv2DSimd<TV>(string name, KernelTier tier) : DepthwiseConv2DKernel
    where TV : unmanaged, ISimdF32<TV>
{
    public override string Name => name;

    public override KernelTier Tier => tier;

    internal override delegate*<in Job, int, int, KernelScratch, void> ChannelFunction => &Channels;

    private static void Channels(in Job job, int first, int end, KernelScratch scratch)
    {
        Window2D w = job.Window;
        if (UseFlat(in w))
        {
            float* flat = scratch.A(WindowFlat<TV, DepthwiseOp<TV>>.ScratchFloats(in w));
            float** taps = stackalloc float*[w.KernelSize];
            WindowFlat<TV, DepthwiseOp<TV>>.Taps(in w, flat, taps);
            for (int oc = first; oc < end; oc++)
            {
                float* k = job.W + (nint)oc * w.KernelSize;
                var op = new DepthwiseOp<TV> { Weights = k, Bias = job.B == null ? 0f : job.B[oc], Activation = job.Activation };
                WindowFlat<TV, DepthwiseOp<TV>>.Plane(job.X + (nint)(oc / job.Multiplier) * w.InputSize, job.Y + (nint)oc * w.OutputSize, in w, in op, flat, taps);
            }
            return;
        }
        // Zero padding is exactly what a convolution sees, so with padding and a vector-friendly stride each
        // input plane is first copied into a zero-bordered one: every output column is then interior and
        // vectorised, instead of the border columns going through the scalar path.
        bool pad = (w.PadTop | w.PadLeft | w.PadBottom | w.PadRight) != 0 && w.StrideWidth <= 2;
        Window2D inner = pad
            ? w with { InputHeight = w.InputHeight + w.PadTop + w.PadBottom, InputWidth = w.InputWidth + w.PadLeft + w.PadRight, PadTop = 0, PadLeft = 0, PadBottom = 0, PadRight = 0 }
            : w;
        float* padded = pad ? scratch.A(inner.InputSize) : null;
        int paddedChannel = -1;
        for (int oc = first; oc < end; oc++)
        {
            int ic = oc / job.Multiplier;
            float* x = job.X + (nint)ic * w.InputSize;
            if (pad)
            {
                if (ic != paddedChannel) CopyPadded(x, in w, padded, inner.InputWidth);
                paddedChannel = ic;
                x = padded;
            }
            float* k = job.W + (nint)oc * w.KernelSize, y = job.Y + (nint)oc * w.OutputSize;
            float bias = job.B == null ? 0f : job.B[oc];
            if (Depthwise3x3<TV, C1>.Fits(in inner)) Depthwise3x3<TV, C1>.Plane(x, y, in inner, k, bias, job.Activation);
            else if (Depthwise3x3<TV, C2>.Fits(in inner)) Depthwise3x3<TV, C2>.Plane(x, y, in inner, k, bias, job.Activation);
            else WindowDriver<TV, DepthwiseOp<TV>>.Plane(x, y, in inner, new DepthwiseOp<TV> { Weights = k, Bias = bias, Activation = job.Activation });
        }
    }

    // The row-by-row paths do well on planes at least four vectors wide and where the 3×3 kernel fits (weights in
    // registers); narrower rows would run short dependency chains or scalar borders, so they go flat (measured:
    // 5×5 on 22×22 and 11×11 planes and 3×3 on 10×10 run 2–10× faster flat with AVX-512). A stride-1 3×3 row
    // narrower than two vectors also goes flat (FastestDet's 3×3 on 22×22: 39 → 17 µs for 48 channels).
    private static bool UseFlat(in Window2D w)
    {
        if (!WindowFlat<TV, DepthwiseOp<TV>>.Fits(in w))
            return false;
        var inner = w with { InputHeight = w.InputHeight + w.PadTop + w.PadBottom, InputWidth = w.InputWidth + w.PadLeft + w.PadRight, PadTop = 0, PadLeft = 0, PadBottom = 0, PadRight = 0 };
        bool fast3x3 = w.StrideWidth <= 2 && (Depthwise3x3<TV, C1>.Fits(in inner) || Depthwise3x3<TV, C2>.Fits(in inner));
        return fast3x3 ? w.StrideWidth == 1 && w.OutputWidth < 2 * TV.Count : w.OutputWidth < 4 * TV.Count;
    }

    private static void CopyPadded(float* x, in Window2D w, float* dst, int width)
    {
        int pl = w.PadLeft, pr = w.PadRight, iw = w.InputWidth;
        new Span<float>(dst, w.PadTop * width).Clear();
        float* row = dst + (nint)w.PadTop * width;
        // Per row: a few zeros, one block copy, a few zeros (span calls per row cost more than the copy on
        // the small planes of late layers).
        for (int y = 0; y < w.InputHeight; y++, row += width)
        {
            for (int i = 0; i < pl; i++) row[i] = 0f;
            FloatRuns.Copy(x + (nint)y * iw, row + pl, iw);
            for (int i = 0; i < pr; i++) row[pl + iw + i] = 0f;
        }
        new Span<float>(row, w.PadBottom * width).Clear();
    }
}
