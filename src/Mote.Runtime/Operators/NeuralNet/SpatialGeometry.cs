using Mote.Kernels.Convolution;
using Mote.Kernels.NeuralNet;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>
/// Per-dimension window geometry over caller-provided storage (typically stackalloc, so executing allocates
/// nothing): strides, dilations, pads and output sizes, filled by <see cref="WindowAttributes.Resolve"/> or
/// by ConvTranspose; converts to the kernels' <see cref="Window2D"/> (ranks 1 and 2) or <see cref="WindowNd"/>.
/// </summary>
internal readonly ref struct SpatialGeometry
{
    /// <summary>Five spans of <paramref name="rank"/> ints carved from <paramref name="storage"/> (≥ 5·rank).</summary>
    public SpatialGeometry(Span<int> storage, int rank)
    {
        Strides = storage[..rank];
        Dilations = storage.Slice(rank, rank);
        PadBegin = storage.Slice(2 * rank, rank);
        PadEnd = storage.Slice(3 * rank, rank);
        Output = storage.Slice(4 * rank, rank);
    }

    public Span<int> Strides { get; }

    public Span<int> Dilations { get; }

    public Span<int> PadBegin { get; }

    public Span<int> PadEnd { get; }

    public Span<int> Output { get; }

    public int Rank => Strides.Length;

    /// <summary>True when every pad is ≥ 0 and the rank is 1 or 2: the 2-D kernels apply.</summary>
    public bool Fits2D
    {
        get
        {
            if (Rank > 2)
                return false;
            foreach (int p in PadBegin)
                if (p < 0)
                    return false;
            foreach (int p in PadEnd)
                if (p < 0)
                    return false;
            return true;
        }
    }

    /// <summary>The 2-D window of <paramref name="input"/> (rank 1 becomes a 1-row plane).</summary>
    public Window2D To2D(ReadOnlySpan<int> input, ReadOnlySpan<int> kernel)
    {
        if (Rank == 1)
            return new Window2D
            {
                InputHeight = 1, InputWidth = input[0], OutputHeight = 1, OutputWidth = Output[0],
                KernelHeight = 1, KernelWidth = kernel[0], StrideHeight = 1, StrideWidth = Strides[0],
                DilationHeight = 1, DilationWidth = Dilations[0], PadLeft = PadBegin[0], PadRight = PadEnd[0],
            };
        return new Window2D
        {
            InputHeight = input[0], InputWidth = input[1], OutputHeight = Output[0], OutputWidth = Output[1],
            KernelHeight = kernel[0], KernelWidth = kernel[1], StrideHeight = Strides[0], StrideWidth = Strides[1],
            DilationHeight = Dilations[0], DilationWidth = Dilations[1],
            PadTop = PadBegin[0], PadLeft = PadBegin[1], PadBottom = PadEnd[0], PadRight = PadEnd[1],
        };
    }

    /// <summary>The N-D window of <paramref name="input"/>.</summary>
    public WindowNd ToNd(ReadOnlySpan<int> input, ReadOnlySpan<int> kernel) =>
        new(input, Output, kernel, Strides, Dilations, PadBegin, PadEnd);
}
