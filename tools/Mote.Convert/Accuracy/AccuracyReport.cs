namespace Mote.Convert.Accuracy;

/// <summary>A converted model against its float original on the same samples: every output, and every layer worst first.</summary>
/// <param name="Outputs">One entry per float output, in output order.</param>
/// <param name="Layers">Intermediate tensors both models compute, lowest SQNR first.</param>
public sealed record AccuracyReport(IReadOnlyList<OutputAccuracy> Outputs, IReadOnlyList<LayerAccuracy> Layers)
{
    /// <summary>No samples were given, so nothing was compared.</summary>
    public static AccuracyReport None { get; } = new([], []);
}
