using Mote.Format;

namespace Mote.Runtime.Operators.NeuralNet;

/// <summary>ONNX <c>auto_pad</c>.</summary>
internal enum AutoPad
{
    NotSet,
    SameUpper,
    SameLower,
    Valid,
}

/// <summary>
/// The sliding-window attributes shared by Conv, ConvTranspose and the pooling operators
/// (<c>kernel_shape</c>, <c>strides</c>, <c>dilations</c>, <c>pads</c>, <c>auto_pad</c>, <c>ceil_mode</c>),
/// parsed once; <see cref="Resolve"/> turns them into per-dimension geometry for concrete input sizes
/// without allocating, so operators can call it while executing.
/// </summary>
internal sealed class WindowAttributes
{
    private readonly int[]? _strides;
    private readonly int[]? _dilations;
    private readonly int[]? _pads;

    public WindowAttributes(NodeDef node, bool kernelRequired, bool hasCeilMode, bool hasDilations = true)
    {
        KernelShape = node.GetIntArray("kernel_shape");
        if (kernelRequired && KernelShape is null)
            throw new MoteShapeException("attribute 'kernel_shape' is required");
        _strides = node.GetIntArray("strides");
        _dilations = hasDilations ? node.GetIntArray("dilations") : null;
        _pads = node.GetIntArray("pads");
        CeilMode = hasCeilMode && node.GetInt("ceil_mode", 0) != 0;
        AutoPad = node.GetString("auto_pad", "NOTSET") switch
        {
            "NOTSET" => AutoPad.NotSet,
            "SAME_UPPER" => AutoPad.SameUpper,
            "SAME_LOWER" => AutoPad.SameLower,
            "VALID" => AutoPad.Valid,
            var s => throw new MoteNotSupportedException($"auto_pad '{s}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID"),
        };
        Positive(KernelShape, "kernel_shape");
        Positive(_strides, "strides");
        Positive(_dilations, "dilations");
    }

    /// <summary>The <c>kernel_shape</c> attribute, if present.</summary>
    public int[]? KernelShape { get; }

    public AutoPad AutoPad { get; }

    public bool CeilMode { get; }

    /// <summary>The stride along dimension <paramref name="d"/>.</summary>
    public int Stride(int d) => _strides?[d] ?? 1;

    /// <summary>The dilation along dimension <paramref name="d"/>.</summary>
    public int Dilation(int d) => _dilations?[d] ?? 1;

    /// <summary>Explicit pads of dimension <paramref name="d"/> of <paramref name="rank"/> (0 when absent).</summary>
    public (int Begin, int End) Pads(int d, int rank) => _pads is null ? (0, 0) : (_pads[d], _pads[d + rank]);

    /// <summary>Throws unless every list attribute fits <paramref name="rank"/> spatial dimensions.</summary>
    public void CheckRank(int rank)
    {
        Length(KernelShape, rank, "kernel_shape");
        Length(_strides, rank, "strides");
        Length(_dilations, rank, "dilations");
        Length(_pads, 2 * rank, "pads");
    }

    /// <summary>
    /// Strides, dilations, resolved pads (explicit or from auto_pad) and output sizes of a convolution or
    /// pooling window over <paramref name="input"/> with <paramref name="kernel"/>.
    /// </summary>
    public void Resolve(ReadOnlySpan<int> input, ReadOnlySpan<int> kernel, scoped in SpatialGeometry g)
    {
        int r = input.Length;
        for (int d = 0; d < r; d++)
        {
            int s = Stride(d), dl = Dilation(d), ek = (kernel[d] - 1) * dl + 1, n = input[d];
            int pb, pe;
            switch (AutoPad)
            {
                case AutoPad.Valid:
                    pb = pe = 0;
                    break;
                case AutoPad.SameUpper:
                case AutoPad.SameLower:
                    // Output ⌈in/stride⌉; the total padding that gives it, the odd one at the end (upper) or start (lower).
                    int total = Math.Max(0, ((n + s - 1) / s - 1) * s + ek - n);
                    int small = total / 2, big = total - small;
                    (pb, pe) = AutoPad == AutoPad.SameUpper ? (small, big) : (big, small);
                    break;
                default:
                    (pb, pe) = Pads(d, r);
                    if (pb < 0 || pe < 0)
                        throw new MoteShapeException($"pads must not be negative, got {pb} and {pe} for dimension {d}");
                    break;
            }
            long span = (long)n + pb + pe - ek;
            if (span < 0)
                throw new MoteShapeException($"the kernel ({kernel[d]}, dilation {dl}) is larger than the padded input ({n} + {pb} + {pe}) along spatial dimension {d}");
            long o = (CeilMode ? (span + s - 1) / s : span / s) + 1;
            // A ceil-mode window must start inside the input or its begin padding.
            if (CeilMode && (o - 1) * s >= n + pb)
                o--;
            g.Strides[d] = s;
            g.Dilations[d] = dl;
            g.PadBegin[d] = pb;
            g.PadEnd[d] = pe;
            g.Output[d] = checked((int)o);
        }
    }

    private static void Positive(int[]? v, string name)
    {
        if (v is not null && v.Any(x => x < 1))
            throw new MoteShapeException($"attribute '{name}' must be positive, got [{string.Join(",", v)}]");
    }

    private static void Length(int[]? v, int n, string name)
    {
        if (v is not null && v.Length != n)
            throw new MoteShapeException($"attribute '{name}' has {v.Length} values, expected {n}");
    }
}
