using Mote.Format;

namespace Mote.Runtime.Planning;

/// <summary>Where a value's bytes live during a run.</summary>
internal enum LocationKind : byte
{
    /// <summary>Not needed by this plan.</summary>
    None,
    /// <summary>A model constant (pinned for the session's lifetime).</summary>
    Constant,
    /// <summary>The caller's input tensor, pinned for the run.</summary>
    Input,
    /// <summary>A slice of the run's arena at <see cref="ValueLocation.Offset"/>.</summary>
    Arena,
    /// <summary>A value computed while planning (shape arithmetic), stored in the plan.</summary>
    Folded,
    /// <summary>Produced by a dynamic step: shape known only at run time, memory from the run's buffer pool.</summary>
    Dynamic,
}

/// <summary>Location of one value.</summary>
internal readonly record struct ValueLocation(LocationKind Kind, long Offset);

/// <summary>
/// Everything decided for one set of input shapes: every value's type, shape and location, the
/// nodes still to execute (those not folded while planning), and the arena and scratch sizes.
/// Immutable; shared by concurrent runs.
/// </summary>
internal sealed class ExecutionPlan
{
    public required int[]?[] Shapes { get; init; }

    public required DataType[] Types { get; init; }

    public required ValueLocation[] Locations { get; init; }

    /// <summary>
    /// For each value, the value whose storage it shares: itself, unless produced by a view node or written
    /// in place into a concat's output. Always final (a root's root is itself).
    /// </summary>
    public required int[] Roots { get; init; }

    /// <summary>Byte offset of each value inside its root's storage: 0 for roots and views, the slice's start for a concat input written in place.</summary>
    public required long[] RootOffsets { get; init; }

    /// <summary>Indices of nodes to execute, in order.</summary>
    public required int[] Steps { get; init; }

    /// <summary>Scratch bytes needed by each step (parallel to <see cref="Steps"/>).</summary>
    public required long[] StepScratch { get; init; }

    /// <summary>True for steps whose shapes are inferred at run time (parallel to <see cref="Steps"/>).</summary>
    public required bool[] StepDynamic { get; init; }

    /// <summary>For each step, the values made by dynamic steps that nothing reads afterwards (graph outputs are kept to the end).</summary>
    public required int[][] DynamicReleases { get; init; }

    /// <summary>True when some step infers its shapes at run time.</summary>
    public bool HasDynamicSteps => Array.IndexOf(StepDynamic, true) >= 0;

    /// <summary>Pinned buffers of folded values; <see cref="ValueLocation.Offset"/> indexes this array.</summary>
    public required byte[][] Folded { get; init; }

    /// <summary>Graph inputs whose declared type differs from the compute type (f16 → f32): widened into the arena at the start of each run.</summary>
    public required int[] WidenedInputs { get; init; }

    public required long ArenaBytes { get; init; }

    public required long ScratchBytes { get; init; }
}
