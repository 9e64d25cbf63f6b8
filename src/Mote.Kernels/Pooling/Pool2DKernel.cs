using System.Runtime.CompilerServices;
using Mote.Kernels.Convolution;
using Mote.Kernels.Simd;
using Mote.Kernels.Threading;

namespace Mote.Kernels.Pooling;

/// <summary>
/// 2-D max and average pooling and global pooling of one image (semantics in <see cref="PoolReference"/>).
/// </summary>
/// <remarks>
/// Layout: input = <c>channels</c> planes of H×W, output = <c>channels</c> planes of OH×OW (from the
/// window; the caller picks floor or ceil mode through the output sizes), dense NCHW, not overlapping. Global
/// pooling reads <c>channels</c> planes of <c>spatial</c> floats and writes one float per channel. With a pool,
/// channels are split across threads; each channel is computed the same way whatever the thread count.
/// </remarks>
public abstract unsafe class Pool2DKernel
{
    internal enum Mode { Max, Average, AverageIncludePad, GlobalMax, GlobalAverage }

    /// <summary>Variant name.</summary>
    public abstract string Name { get; }

    /// <summary>The instruction-set tier.</summary>
    public abstract KernelTier Tier { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>MaxPool over every channel.</summary>
    public void MaxPool(ReadOnlySpan<float> input, int channels, in Window2D window, Span<float> output, KernelThreadPool? pool = null) =>
        Windowed(input, channels, in window, output, Mode.Max, pool);

    /// <summary>AveragePool over every channel.</summary>
    public void AveragePool(ReadOnlySpan<float> input, int channels, in Window2D window, bool countIncludePad, Span<float> output, KernelThreadPool? pool = null) =>
        Windowed(input, channels, in window, output, countIncludePad ? Mode.AverageIncludePad : Mode.Average, pool);

    /// <summary>GlobalMaxPool: <c>output[c] = max of plane c</c>.</summary>
    public void GlobalMaxPool(ReadOnlySpan<float> input, int channels, int spatial, Span<float> output, KernelThreadPool? pool = null) =>
        Global(input, channels, spatial, output, Mode.GlobalMax, pool);

    /// <summary>GlobalAveragePool: <c>output[c] = mean of plane c</c>.</summary>
    public void GlobalAveragePool(ReadOnlySpan<float> input, int channels, int spatial, Span<float> output, KernelThreadPool? pool = null) =>
        Global(input, channels, spatial, output, Mode.GlobalAverage, pool);

    private void Windowed(ReadOnlySpan<float> input, int channels, in Window2D window, Span<float> output, Mode mode, KernelThreadPool? pool)
    {
        window.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        if (input.Length < (long)channels * window.InputSize) throw new ArgumentException("Input is smaller than channels·H·W.", nameof(input));
        if (output.Length < (long)channels * window.OutputSize) throw new ArgumentException("Output is smaller than channels·OH·OW.", nameof(output));
        if (channels == 0 || window.OutputSize == 0) return;
        fixed (float* x = input, y = output)
            Dispatch(new Job { X = x, Y = y, Window = window, Channels = channels, Mode = mode }, pool);
    }

    private void Global(ReadOnlySpan<float> input, int channels, int spatial, Span<float> output, Mode mode, KernelThreadPool? pool)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(spatial);
        if (input.Length < (long)channels * spatial) throw new ArgumentException("Input is smaller than channels·spatial.", nameof(input));
        if (output.Length < channels) throw new ArgumentException("Output is shorter than channels.", nameof(output));
        if (channels == 0) return;
        fixed (float* x = input, y = output)
            Dispatch(new Job { X = x, Y = y, Spatial = spatial, Channels = channels, Mode = mode }, pool);
    }

    private void Dispatch(Job job, KernelThreadPool? pool)
    {
        job.Run = ChannelFunction;
        long work = (long)job.Channels * (job.IsGlobal ? job.Spatial : (long)job.Window.OutputSize * job.Window.KernelSize);
        job.Tasks = KernelThreadPool.TaskCount(pool, work, Math.Min(job.Channels, pool?.ThreadCount * 4 ?? 1));
        if (pool is null || job.Tasks == 1) job.Execute(0, pool is null ? KernelScratch.ForCurrentThread : pool.GetScratch(0));
        else pool.Run(job, job.Tasks);
    }

    /// <summary>The variant's static worker: channels [first, end) of a job.</summary>
    internal abstract delegate*<in Job, int, int, KernelScratch, void> ChannelFunction { get; }

    internal struct Job : IParallelTask
    {
        public float* X, Y;
        public Window2D Window;
        public int Channels, Tasks, Spatial;
        private int _mode;
        public delegate*<in Job, int, int, KernelScratch, void> Run;

        public bool IsGlobal => _mode >= (int)Pooling.Pool2DKernel.Mode.GlobalMax;
        public bool IsMax => _mode is (int)Pooling.Pool2DKernel.Mode.Max or (int)Pooling.Pool2DKernel.Mode.GlobalMax;
        public bool CountIncludePad => _mode == (int)Pooling.Pool2DKernel.Mode.AverageIncludePad;

        internal Mode Mode { set => _mode = (int)value; }

        public readonly void Execute(int taskIndex, KernelScratch scratch)
        {
            int first = (int)((long)Channels * taskIndex / Tasks), end = (int)((long)Channels * (taskIndex + 1) / Tasks);
            Run(in this, first, end, scratch);
        }
    }
}

/// <summary>The reference as a kernel-table variant.</summary>
internal sealed unsafe class Pool2DReferenceKernel : Pool2DKernel
{
    public override string Name => "Pool2DReference";

    public override KernelTier Tier => KernelTier.Reference;

    internal override delegate*<in Job, int, int, KernelScratch, void> ChannelFunction => &Channels;

    private static void Channels(in Job job, int first, int end, KernelScratch scratch)
    {
        Window2D w = job.Window;
        for (int c = first; c < end; c++)
        {
            if (job.IsGlobal)
            {
                var plane = new ReadOnlySpan<float>(job.X + (nint)c * job.Spatial, job.Spatial);
                job.Y[c] = job.IsMax ? PoolReference.GlobalMax(plane) : PoolReference.GlobalAverage(plane);
                continue;
            }
            var x = new ReadOnlySpan<float>(job.X + (nint)c * w.InputSize, w.InputSize);
            var y = new Span<float>(job.Y + (nint)c * w.OutputSize, w.OutputSize);
            if (job.IsMax) PoolReference.MaxPlane(x, in w, y);
            else PoolReference.AveragePlane(x, in w, job.CountIncludePad, y);
        }
    }
}

/// <summary>
/// Pooling on one vector ISA: narrow planes flat (<see cref="WindowFlat{TV, TOp}"/>), other max pools by rows
/// (<see cref="MaxPoolRows{TV}"/>), other average pools through <see cref="WindowDriver{TV, TOp}"/>; global pooling by vector reduction.
/// </summary>
internal sealed unsafe class Pool2DSimd<TV>(string name, KernelTier tier) : Pool2DKernel
    where TV : unmanaged, ISimdF32<TV>
{
    public override string Name => name;

    public override KernelTier Tier => tier;

    internal override delegate*<in Job, int, int, KernelScratch, void> ChannelFunction => &Channels;

    private static void Channels(in Job job, int first, int end, KernelScratch scratch)
    {
        Window2D w = job.Window;
        if (!job.IsGlobal && UseFlat(in w, job.IsMax))
        {
            float* flat = scratch.A(WindowFlat<TV, MaxOp<TV>>.ScratchFloats(in w));
            float** taps = stackalloc float*[w.KernelSize];
            WindowFlat<TV, MaxOp<TV>>.Taps(in w, flat, taps); // the same phase layout for max and average
            for (int c = first; c < end; c++)
            {
                float* x = job.X + (nint)c * w.InputSize, y = job.Y + (nint)c * w.OutputSize;
                if (job.IsMax) WindowFlat<TV, MaxOp<TV>>.Plane(x, y, in w, default, flat, taps);
                else WindowFlat<TV, AverageOp<TV>>.Plane(x, y, in w, default, flat, taps);
            }
            return;
        }
        if (!job.IsGlobal && job.IsMax)
        {
            float* rows = scratch.A(MaxPoolRows<TV>.ScratchFloats(in w));
            for (int c = first; c < end; c++)
                MaxPoolRows<TV>.Plane(job.X + (nint)c * w.InputSize, job.Y + (nint)c * w.OutputSize, in w, rows);
            return;
        }
        if (!job.IsGlobal && job.IsMax)
        {
            float* rows = scratch.A(MaxPoolRows<TV>.ScratchFloats(in w));
            for (int c = first; c < end; c++)
                MaxPoolRows<TV>.Plane(job.X + (nint)c * w.InputSize, job.Y + (nint)c * w.OutputSize, in w, rows);
            return;
        }
        for (int c = first; c < end; c++)
        {
            if (job.IsGlobal)
            {
                float* p = job.X + (nint)c * job.Spatial;
                job.Y[c] = job.IsMax ? GlobalMax(p, job.Spatial) : GlobalSum(p, job.Spatial) / Math.Max(job.Spatial, 1);
                if (!job.IsMax && job.Spatial == 0) job.Y[c] = 0f;
                continue;
            }
            float* x = job.X + (nint)c * w.InputSize, y = job.Y + (nint)c * w.OutputSize;
            WindowDriver<TV, AverageOp<TV>>.Plane(x, y, in w, new AverageOp<TV> { CountIncludePad = job.CountIncludePad });
        }
    }

    // Rows narrower than two vectors run short add chains and scalar borders row by row; flat, every vector
    // is full. Max pooling by rows (MaxPoolRows) is as fast as flat from one vector up (measured on
    // SqueezeNet's 55→27 pool), scalar below. Average pooling goes flat only when no window reaches padding
    // (every count is kh·kw).
    private static bool UseFlat(in Window2D w, bool max)
    {
        if (!WindowFlat<TV, MaxOp<TV>>.Fits(in w) || w.OutputWidth >= (max ? 1 : 2) * TV.Count)
            return false;
        return max || ((w.PadTop | w.PadLeft | w.PadBottom | w.PadRight) == 0
            && (w.OutputHeight - 1) * w.StrideHeight + (w.KernelHeight - 1) * w.DilationHeight < w.InputHeight
            && (w.OutputWidth - 1) * w.StrideWidth + (w.KernelWidth - 1) * w.DilationWidth < w.InputWidth);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float GlobalMax(float* p, int n)
    {
        int lanes = TV.Count;
        if (n < lanes) return PoolReference.GlobalMax(new ReadOnlySpan<float>(p, n));
        TV m0 = TV.Load(p), m1 = m0;
        int i = lanes;
        for (; i + 2 * lanes <= n; i += 2 * lanes)
        {
            m0 = TV.Max(m0, TV.Load(p + i));
            m1 = TV.Max(m1, TV.Load(p + i + lanes));
        }
        for (; i + lanes <= n; i += lanes) m0 = TV.Max(m0, TV.Load(p + i));
        m0 = TV.Max(m0, TV.Max(m1, TV.Load(p + n - lanes))); // overlapping last vector: max is idempotent
        return Reduce(m0, true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float GlobalSum(float* p, int n)
    {
        int lanes = TV.Count;
        TV s0 = TV.Zero, s1 = TV.Zero;
        int i = 0;
        for (; i + 2 * lanes <= n; i += 2 * lanes)
        {
            s0 = TV.Add(s0, TV.Load(p + i));
            s1 = TV.Add(s1, TV.Load(p + i + lanes));
        }
        for (; i + lanes <= n; i += lanes) s0 = TV.Add(s0, TV.Load(p + i));
        float sum = Reduce(TV.Add(s0, s1), false);
        for (; i < n; i++) sum += p[i]; // a sum cannot overlap; fewer than one vector remains
        return sum;
    }

    private static float Reduce(TV v, bool max)
    {
        float* lanes = stackalloc float[TV.Count];
        TV.Store(lanes, v);
        float r = lanes[0];
        for (int i = 1; i < TV.Count; i++) r = max ? MathF.Max(r, lanes[i]) : r + lanes[i];
        return r;
    }
}
