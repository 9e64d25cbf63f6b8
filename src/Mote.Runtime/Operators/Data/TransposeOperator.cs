using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX Transpose: output dimension i is input dimension <c>perm[i]</c> (default: reversed). A
/// permuted-stride copy; the strided-copy kernel merges dimensions that stay adjacent, so an
/// identity permutation is one memmove, and NCHW↔NHWC or any permutation that moves the
/// contiguous dimension becomes a batch of blocked 2-D transposes.
/// </summary>
internal sealed class TransposeOperator(NodeDef node) : Operator(node)
{
    private readonly int[]? _perm = node.GetIntArray("perm");

    public override void InferShapes(ShapeContext ctx)
    {
        var shape = ctx.InputShape(0);
        Span<int> perm = stackalloc int[shape.Length];
        Permutation(shape.Length, perm);
        var y = new int[shape.Length];
        for (int i = 0; i < y.Length; i++)
            y[i] = shape[perm[i]];
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int r = x.Rank;
        Span<int> perm = stackalloc int[r];
        Permutation(r, perm);
        Span<long> xs = stackalloc long[r];
        ElementCopy.Strides(x.Shape, xs);
        Span<long> ss = stackalloc long[r];
        for (int i = 0; i < r; i++)
            ss[i] = xs[perm[i]];
        ElementCopy.View(x, 0, ss, y, y.Shape);
    }

    private void Permutation(int rank, Span<int> perm)
    {
        if (_perm is null)
        {
            for (int i = 0; i < rank; i++)
                perm[i] = rank - 1 - i;
            return;
        }
        if (_perm.Length != rank)
            throw new MoteShapeException($"perm has {_perm.Length} entries for an input of rank {rank}");
        ulong seen = 0;
        for (int i = 0; i < rank; i++)
        {
            int p = _perm[i];
            if (p < 0 || p >= rank || (seen & (1UL << p)) != 0)
                throw new MoteShapeException($"perm [{string.Join(",", _perm)}] is not a permutation of 0..{rank - 1}");
            seen |= 1UL << p;
            perm[i] = p;
        }
    }
}
