using System.Numerics;
using Mote.Kernels;
using Mote.Kernels.Elementwise;
using Mote.Kernels.Threading;

namespace Mote.Runtime.Operators.Recurrent;

/// <summary>
/// What one time step of one direction works on: the state of every sequence of the batch, the inputs
/// already projected for all time steps, and which sequences are still running at this step (each at its
/// own time index, so that ragged sequences walked in reverse start at their own ends). All spans are
/// scratch or outputs; nothing is allocated per step.
/// </summary>
internal ref struct RecurrentStep<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Xt·Wᵀ (+ biases) of every time step: row <see cref="ProjectedRows"/>[k] belongs to the k-th active sequence.</summary>
    public ReadOnlySpan<T> Projected;

    /// <summary>[batch, gates·hidden] buffer for the recurrent products Ht-1·Rᵀ.</summary>
    public Span<T> Recurrent;

    /// <summary>[batch, hidden]: Ht-1 on entry, Ht of the active sequences on return (finished ones keep their last state).</summary>
    public Span<T> Hidden;

    /// <summary>[batch, hidden] cell state Ct-1 → Ct (LSTM), else empty.</summary>
    public Span<T> Cell;

    /// <summary>[batch, hidden] scratch for the operator (GRU: r⊙Ht-1), else empty.</summary>
    public Span<T> Extra;

    /// <summary>This direction's R ([gates·hidden, hidden], gate rows in ONNX order).</summary>
    public ReadOnlySpan<T> RecurrentWeights;

    /// <summary>Bias applied inside the recurrence (GRU with linear_before_reset: Rbh), else empty.</summary>
    public ReadOnlySpan<T> RecurrentBias;

    /// <summary>This direction's per-unit vector input (LSTM peepholes P[iof]), else empty.</summary>
    public ReadOnlySpan<T> DirectionVector;

    /// <summary>Batch indices of the sequences that run at this step.</summary>
    public ReadOnlySpan<int> Active;

    /// <summary>For each active sequence, its row of <see cref="Projected"/>.</summary>
    public ReadOnlySpan<int> ProjectedRows;

    public int Batch;

    public int HiddenSize;

    /// <summary>0, or 1 for the backward half of a bidirectional node.</summary>
    public int Direction;

    public KernelSet Kernels;

    public KernelThreadPool? Pool;

    /// <summary>The widest vectors the session's features allow.</summary>
    public SimdWidth Width;

    /// <summary>The projected row (gates·hidden values) of the k-th active sequence.</summary>
    public readonly ReadOnlySpan<T> ProjectedRow(int k, int gates) =>
        Projected.Slice(ProjectedRows[k] * gates * HiddenSize, gates * HiddenSize);

    /// <summary>Row <paramref name="b"/> of a [batch, width] buffer.</summary>
    public static Span<T> Row(Span<T> rows, int b, int width) => rows.Slice(b * width, width);
}
