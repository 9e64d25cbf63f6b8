namespace Mote.Runtime.Operators.Recurrent;

/// <summary>
/// The sizes of one recurrent node run and where each (time, direction, batch) row lives in X, Y and the
/// state tensors for the node's layout: layout 0 is time-major (X [seq, batch, input], Y [seq, dirs, batch,
/// hidden], states [dirs, batch, hidden]), layout 1 batch-major (X [batch, seq, input], Y [batch, seq, dirs,
/// hidden], states [batch, dirs, hidden]).
/// </summary>
internal readonly record struct RecurrentGeometry(int Seq, int Batch, int Input, int Hidden, int Directions, int Layout)
{
    /// <summary>The geometry of an X of shape <paramref name="x"/> (rank 3, checked by the caller).</summary>
    public static RecurrentGeometry Of(int[] x, int hidden, int directions, int layout) => layout == 0
        ? new(x[0], x[1], x[2], hidden, directions, layout)
        : new(x[1], x[0], x[2], hidden, directions, layout);

    /// <summary>Row of X (and of the projected inputs) holding time step <paramref name="t"/> of sequence <paramref name="b"/>.</summary>
    public int XRow(int t, int b) => Layout == 0 ? t * Batch + b : b * Seq + t;

    /// <summary>Element offset of Y[t, d, b, 0] (layout 0) or Y[b, t, d, 0] (layout 1).</summary>
    public long YOffset(int t, int d, int b) => Layout == 0
        ? (((long)t * Directions + d) * Batch + b) * Hidden
        : (((long)b * Seq + t) * Directions + d) * Hidden;

    /// <summary>Element offset of the state row of direction <paramref name="d"/>, sequence <paramref name="b"/> in initial_h, Y_h and friends.</summary>
    public long StateOffset(int d, int b) => Layout == 0 ? ((long)d * Batch + b) * Hidden : ((long)b * Directions + d) * Hidden;

    /// <summary>The shape of Y.</summary>
    public int[] OutputShape => Layout == 0 ? [Seq, Directions, Batch, Hidden] : [Batch, Seq, Directions, Hidden];

    /// <summary>The shape of initial_h, initial_c, Y_h and Y_c.</summary>
    public int[] StateShape => Layout == 0 ? [Directions, Batch, Hidden] : [Batch, Directions, Hidden];
}
