using System.Buffers;

namespace Mote.Runtime.Execution;

/// <summary>
/// A run's bound inputs, kept by its <see cref="RunContext"/> and reused by the next run: the tensors in model
/// input order, their pins, the values the executor reads, and each input's shape as an array (reallocated
/// only when a rank changes).
/// </summary>
internal sealed class RunInputs(int count)
{
    private readonly int[][] _shapes = new int[count][];

    public Tensor?[] Bound { get; } = new Tensor?[count];

    public MemoryHandle[] Handles { get; } = new MemoryHandle[count];

    public TensorValue[] Values { get; } = new TensorValue[count];

    /// <summary>Input <paramref name="i"/>'s shape as a reused array (call after binding).</summary>
    public int[] Shape(int i)
    {
        var shape = Bound[i]!.Shape;
        var a = _shapes[i];
        if (a is null || a.Length != shape.Length)
            _shapes[i] = a = new int[shape.Length];
        shape.CopyTo(a);
        return a;
    }

    /// <summary>Whether the bound inputs have exactly <paramref name="shapes"/>.</summary>
    public bool ShapesMatch(int[][] shapes)
    {
        if (shapes.Length != Bound.Length)
            return false;
        for (int i = 0; i < shapes.Length; i++)
            if (!Bound[i]!.Shape.SequenceEqual(shapes[i]))
                return false;
        return true;
    }

    /// <summary>The bound inputs' shapes as new arrays (a plan key; only when the plan changes).</summary>
    public int[][] CopyShapes()
    {
        var copy = new int[Bound.Length][];
        for (int i = 0; i < copy.Length; i++)
            copy[i] = Bound[i]!.Shape.ToArray();
        return copy;
    }
}
