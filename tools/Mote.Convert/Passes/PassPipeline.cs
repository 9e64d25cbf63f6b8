using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Runs passes in order and collects their reports. The default order is: clean-up (RemoveIdentity,
/// RemoveDeadNodes), then the analysis passes supplied by the caller (ConstantFolding, InferShapes:
/// they execute runtime operators and so live with the runtime), then the fusions (the pattern
/// recognizers LayerNorm, Gelu and Attention first, as they read the exporters' own node shapes; Gemm
/// before activation fusion, so MatMul+Add+Relu fuses fully; they need constants folded and shapes
/// known to fire as often as possible), then DeduplicateConstants (after every pass that rewrites
/// constants) and a final clean-up (which also drops the shape computations a fused Reshape no
/// longer needs).
/// </summary>
public sealed class PassPipeline(IReadOnlyList<IGraphPass> passes)
{
    /// <summary>The passes, in run order.</summary>
    public IReadOnlyList<IGraphPass> Passes { get; } = passes;

    /// <summary>The default pipeline with <paramref name="analysis"/> slotted in before the fusions.</summary>
    public static PassPipeline CreateDefault(IReadOnlyList<IGraphPass>? analysis = null) => new(
    [
        new RemoveIdentity(),
        new RemoveDeadNodes(),
        .. analysis ?? [],
        new FoldBatchNorm(),
        new FoldConvAffine(),
        new FuseLayerNorm(),
        new FuseGelu(),
        new FuseAttention(),
        new MatMulAddToGemm(),
        new RecognizeHardSwish(),
        new FuseConvResidual(),
        new FuseActivation(),
        new DeduplicateConstants(),
        new RemoveDeadNodes(),
    ]);

    /// <summary>Runs every pass on <paramref name="model"/>; one report per pass run.</summary>
    public List<PassReport> Run(ModelDef model)
    {
        var reports = new List<PassReport>(Passes.Count);
        foreach (var pass in Passes)
        {
            var report = new PassReport(pass.Name);
            pass.Run(model, report);
            reports.Add(report);
        }
        return reports;
    }
}
