namespace Mote.Convert.Accuracy;

/// <summary>
/// How a converted model's output compares with the float model's over a set of samples: the worst
/// <see cref="Comparison"/> figures across samples and, for classifier-shaped outputs, how often the top class agrees.
/// </summary>
/// <param name="Name">The output.</param>
/// <param name="Samples">Samples compared.</param>
/// <param name="MaxAbs">Largest absolute difference over all samples.</param>
/// <param name="MaxRel">Largest scale-relative difference over all samples (see <see cref="Comparison.MaxRel"/>).</param>
/// <param name="MinCosine">Smallest per-sample cosine similarity.</param>
/// <param name="Top1Agreement">Fraction of rows whose argmax agrees, or null when the output is not classifier-shaped.</param>
public sealed record OutputAccuracy(string Name, int Samples, double MaxAbs, double MaxRel, double MinCosine, double? Top1Agreement);
