using Mote.Format;
using Mote.Runtime.Operators.Data;
using Mote.Runtime.Operators.Shape;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterShape(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        d[OpType.Identity] = (n, _) => new IdentityOperator(n);
        d[OpType.Dropout] = (n, b) => new DropoutOperator(n, b);
        d[OpType.Reshape] = (n, _) => new ReshapeOperator(n);
        d[OpType.Shape] = (n, _) => new ShapeOperator(n);
        d[OpType.Size] = (n, _) => new SizeOperator(n);
        d[OpType.Squeeze] = (n, _) => new SqueezeOperator(n);
        d[OpType.Unsqueeze] = (n, _) => new UnsqueezeOperator(n);
        d[OpType.Flatten] = (n, _) => new FlattenOperator(n);

        d[OpType.Concat] = (n, _) => new ConcatOperator(n);
        d[OpType.Split] = (n, _) => new SplitOperator(n);
        d[OpType.Slice] = (n, _) => new SliceOperator(n);
        d[OpType.Transpose] = (n, _) => new TransposeOperator(n);
        d[OpType.Expand] = (n, _) => new ExpandOperator(n);
        d[OpType.Tile] = (n, _) => new TileOperator(n);
        d[OpType.Pad] = (n, _) => new PadOperator(n);
        d[OpType.DepthToSpace] = (n, _) => new DepthToSpaceOperator(n, toSpace: true);
        d[OpType.SpaceToDepth] = (n, _) => new DepthToSpaceOperator(n, toSpace: false);
        d[OpType.Gather] = (n, _) => new GatherOperator(n);
        d[OpType.GatherElements] = (n, _) => new GatherElementsOperator(n);
        d[OpType.GatherND] = (n, _) => new GatherNDOperator(n);
        d[OpType.ScatterElements] = (n, _) => new ScatterElementsOperator(n);
        d[OpType.ScatterND] = (n, _) => new ScatterNDOperator(n);
        d[OpType.ConstantOfShape] = (n, _) => new ConstantOfShapeOperator(n);
        d[OpType.Range] = (n, _) => new RangeOperator(n);
        d[OpType.EyeLike] = (n, _) => new EyeLikeOperator(n);
        d[OpType.Trilu] = (n, _) => new TriluOperator(n);
        d[OpType.OneHot] = (n, _) => new OneHotOperator(n);
        d[OpType.TopK] = (n, _) => new TopKOperator(n);
        d[OpType.ReverseSequence] = (n, _) => new ReverseSequenceOperator(n);
        d[OpType.Compress] = (n, _) => new CompressOperator(n);
        d[OpType.NonZero] = (n, _) => new NonZeroOperator(n);
        d[OpType.Unique] = (n, _) => new UniqueOperator(n);
        d[OpType.Resize] = (n, _) => new ResizeOperator(n);
    }
}
