using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.ControlFlow;

/// <summary>Taking one index along an axis (removing it), and stacking slices along a new axis: Scan's input and output layout.</summary>
internal static class AxisSlices
{
    /// <summary>The slice <paramref name="index"/> of <paramref name="v"/> along <paramref name="axis"/>, without that axis.</summary>
    public static OwnedTensor Take(TensorValue v, int axis, int index)
    {
        var shape = v.Shape.Where((_, d) => d != axis).ToArray();
        var slice = new OwnedTensor(v.Type, shape);
        long outer = ShapeMath.Product(v.Shape, 0, axis);
        int inner = checked((int)(ShapeMath.Product(v.Shape, axis + 1, v.Rank) * v.Type.Size()));
        var src = v.Bytes;
        var dst = slice.Value.Bytes;
        for (long o = 0; o < outer; o++)
            src.Slice(checked((int)((o * v.Shape[axis] + index) * inner)), inner).CopyTo(dst.Slice(checked((int)(o * inner)), inner));
        return slice;
    }

    /// <summary>Stacks equally shaped slices along a new axis <paramref name="axis"/> (negative counts from the end of the result).</summary>
    public static void Stack(List<OwnedTensor> slices, long axis, OutputAllocator outputs, int k)
    {
        if (slices.Count == 0)
        {
            outputs.Allocate(k, DataType.Float32, [0]);
            return;
        }
        var first = slices[0].Value;
        int a = ShapeMath.Axis(axis, first.Rank + 1, "scan_output_axes");
        foreach (var s in slices)
            if (!s.Value.Shape.AsSpan().SequenceEqual(first.Shape))
                throw new MoteShapeException($"scan output {k} changes shape between iterations");
        var shape = first.Shape.Take(a).Append(slices.Count).Concat(first.Shape.Skip(a)).ToArray();
        var dst = outputs.Allocate(k, first.Type, shape).Bytes;
        long outer = ShapeMath.Product(first.Shape, 0, a);
        int inner = checked((int)(ShapeMath.Product(first.Shape, a, first.Rank) * first.Type.Size()));
        for (int t = 0; t < slices.Count; t++)
        {
            var src = slices[t].Value.Bytes;
            for (long o = 0; o < outer; o++)
                src.Slice(checked((int)(o * inner)), inner).CopyTo(dst.Slice(checked((int)((o * slices.Count + t) * inner)), inner));
        }
    }
}
