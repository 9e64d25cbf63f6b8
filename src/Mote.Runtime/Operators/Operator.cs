using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators;

/// <summary>
/// One node of a session, created once when the session is built: it reads its attributes, packs
/// constant weights, then infers output shapes for each new input shape and executes kernels.
/// Instances are immutable after construction and may be executed by several runs at once.
/// </summary>
internal abstract class Operator
{
    protected Operator(NodeDef node)
    {
        Node = node;
    }

    /// <summary>The node this operator implements.</summary>
    public NodeDef Node { get; }

    /// <summary>
    /// False when running the node twice on the same inputs may give different outputs (random
    /// generators): such nodes are never evaluated ahead of time.
    /// </summary>
    public virtual bool IsDeterministic => true;

    /// <summary>
    /// True when output 0 holds exactly the bytes of input 0 in the same order (Reshape, Flatten,
    /// Squeeze, Unsqueeze, Identity): the planner then gives both the same memory and skips the node.
    /// </summary>
    public virtual bool IsView => false;

    /// <summary>
    /// True when the outputs depend only on the inputs' shapes, never on their data (Shape, Size):
    /// the planner can then evaluate the node ahead of the run even for run-time inputs.
    /// </summary>
    public virtual bool ReadsOnlyInputShapes => false;

    /// <summary>Names of enclosing-graph values read by this node's subgraphs (If, Loop, Scan), in the order <see cref="NodeContext.ImplicitInputs"/> binds them.</summary>
    public virtual IReadOnlyList<string> OuterNames => [];

    /// <summary>
    /// True when the output shapes are in general only known after the node ran (If, Loop, Scan): unless
    /// <see cref="TryInferShapesAhead"/> succeeds, the planner makes it a dynamic step and the executor calls
    /// <see cref="ExecuteAllocating"/> instead of <see cref="InferShapes"/> + <see cref="Execute"/>.
    /// </summary>
    public virtual bool ShapesKnownAfterRun => false;

    /// <summary>
    /// For a <see cref="ShapesKnownAfterRun"/> node, output shapes that hold however it runs, when they can be told
    /// from the inputs' and the implicit inputs' types and shapes (an If whose branches agree): then the planner
    /// makes it an ordinary step (<see cref="Execute"/> into planned outputs) and what follows it stays static.
    /// <paramref name="outerTypes"/> and <paramref name="outerShapes"/> follow <see cref="OuterNames"/>. Returns false when not.
    /// </summary>
    public virtual bool TryInferShapesAhead(ShapeContext ctx, ReadOnlySpan<DataType> outerTypes, ReadOnlySpan<int[]> outerShapes) => false;

    /// <summary>Runs the node, creating each output with <see cref="OutputAllocator.Allocate"/> once its shape is known.</summary>
    public virtual void ExecuteAllocating(in NodeContext ctx, OutputAllocator outputs) =>
        throw new InvalidOperationException($"{Node.Op} does not allocate its outputs");

    /// <summary>
    /// Sets the type and shape of every output from the inputs' types and shapes (and values, for
    /// operators whose output shape depends on them), validates the inputs, and requests scratch memory.
    /// Throws <see cref="MoteShapeException"/> or <see cref="MoteNotSupportedException"/>; the caller adds the node name.
    /// </summary>
    public abstract void InferShapes(ShapeContext ctx);

    /// <summary>Computes the outputs. Shapes are those set by <see cref="InferShapes"/>; outputs never alias inputs.</summary>
    public abstract void Execute(in NodeContext ctx);
}
