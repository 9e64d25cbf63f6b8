using Mote.Format;

namespace Mote.Runtime.Operators.Data;

/// <summary>
/// ONNX DepthToSpace and SpaceToDepth on NCHW tensors with <c>blocksize</c> b. Both are a
/// reshape–transpose–reshape, done as one strided copy over the 6-D output view:
/// DepthToSpace writes [N, C/b², H, b, W, b] (DCR reads channel (b1·b + b2)·C/b² + c, CRD reads
/// c·b² + b1·b + b2); SpaceToDepth writes [N, b, b, C, H/b, W/b] from x[n, c, h·b + b1, w·b + b2].
/// </summary>
internal sealed class DepthToSpaceOperator : Operator
{
    private readonly bool _toSpace;
    private readonly bool _crd;
    private readonly int _block;

    public DepthToSpaceOperator(NodeDef node, bool toSpace) : base(node)
    {
        _toSpace = toSpace;
        long b = node.Attribute("blocksize") is null ? throw new MoteShapeException($"{node.Op} needs the 'blocksize' attribute") : node.GetInt("blocksize", 0);
        if (b < 1 || b > int.MaxValue)
            throw new MoteShapeException($"blocksize {b} must be positive");
        _block = (int)b;
        var mode = node.GetString("mode", "DCR");
        if (toSpace && mode is not ("DCR" or "CRD"))
            throw new MoteNotSupportedException($"DepthToSpace mode '{mode}' is not DCR or CRD");
        _crd = toSpace && mode == "CRD";
    }

    public override void InferShapes(ShapeContext ctx)
    {
        var s = ctx.InputShape(0);
        if (s.Length != 4)
            throw new MoteShapeException($"{Node.Op} needs a 4-D NCHW input, got {ShapeMath.Format(s)}");
        int b = _block;
        int[] y;
        if (_toSpace)
        {
            if (s[1] % (b * b) != 0)
                throw new MoteShapeException($"channels {s[1]} are not divisible by blocksize² {b * b}");
            y = [s[0], s[1] / (b * b), checked(s[2] * b), checked(s[3] * b)];
        }
        else
        {
            if (s[2] % b != 0 || s[3] % b != 0)
                throw new MoteShapeException($"height {s[2]} and width {s[3]} must be divisible by blocksize {b}");
            y = [s[0], checked(s[1] * b * b), s[2] / b, s[3] / b];
        }
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int b = _block;
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        long hw = (long)h * w;
        Span<int> dims = stackalloc int[6];
        Span<long> ss = stackalloc long[6];
        if (_toSpace)
        {
            int c2 = c / (b * b);
            dims[0] = n; dims[1] = c2; dims[2] = h; dims[3] = b; dims[4] = w; dims[5] = b;
            ss[0] = c * hw;
            ss[2] = w;
            ss[4] = 1;
            if (_crd)
            {
                ss[1] = b * b * hw;
                ss[3] = b * hw;
                ss[5] = hw;
            }
            else
            {
                ss[1] = hw;
                ss[3] = b * c2 * hw;
                ss[5] = c2 * hw;
            }
        }
        else
        {
            dims[0] = n; dims[1] = b; dims[2] = b; dims[3] = c; dims[4] = h / b; dims[5] = w / b;
            ss[0] = c * hw;
            ss[1] = w;
            ss[2] = 1;
            ss[3] = hw;
            ss[4] = (long)b * w;
            ss[5] = b;
        }
        ElementCopy.View(x, 0, ss, y, dims);
    }
}
