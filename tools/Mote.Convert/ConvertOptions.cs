using Mote.Format;
using Mote.Convert.Passes;
using Mote.Convert.Quantization;
using Mote.Runtime;

namespace Mote.Convert;

/// <summary>Options of an ONNX import and conversion.</summary>
public sealed class ConvertOptions
{
    /// <summary>
    /// Which operators the target runtime implements: by default the Mote runtime's own set. Null
    /// accepts every operator Mote has an id for (useful to inspect models the runtime cannot run yet).
    /// </summary>
    public Func<OpType, bool>? IsSupported { get; init; } = Mote.Runtime.Operators.OperatorRegistry.IsSupported;

    /// <summary>
    /// Passes that need the runtime's operators (constant folding, shape inference). They run after
    /// the clean-up passes and before the fusions; see <see cref="PassPipeline"/>.
    /// </summary>
    public IReadOnlyList<IGraphPass> AnalysisPasses { get; init; } = [new InferShapes(), new ConstantFolding(), new InferShapes()];

    /// <summary>Run the graph passes after import (on by default).</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>Resource limits that protect against hostile files.</summary>
    public ImportLimits Limits { get; init; } = new();

    /// <summary>The number format of the weights (<see cref="Quantization.Precision"/>); float32 by default.</summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>
    /// Real inputs for a reduced-precision conversion, made for the float model's inputs: the float and the converted
    /// model both run on them and their outputs are compared (<see cref="ConvertResult.Accuracy"/>). Null: no check.
    /// </summary>
    public Func<IReadOnlyList<TensorInfo>, IReadOnlyList<IReadOnlyList<NamedTensor>>>? Samples { get; init; }

    /// <summary>How an int8 conversion chooses activation ranges from the samples.</summary>
    public CalibrationOptions Calibration { get; init; } = new();

    /// <summary>int8: nodes (by name or output tensor) that stay float.</summary>
    public IReadOnlySet<string> KeepFloat { get; init; } = new HashSet<string>();

    /// <summary>Calibration progress: (runs done, runs in all).</summary>
    public Action<int, int>? Progress { get; init; }
}

/// <summary>Limits applied while importing, so that a small hostile file cannot make the importer allocate or loop without bound.</summary>
public sealed class ImportLimits
{
    /// <summary>Deepest nesting of subgraphs (If/Loop/Scan bodies) accepted.</summary>
    public int MaxSubgraphDepth { get; init; } = 32;

    /// <summary>Deepest nesting of model-local function calls accepted.</summary>
    public int MaxFunctionDepth { get; init; } = 32;

    /// <summary>Most nodes the imported model may have after function inlining.</summary>
    public int MaxNodes { get; init; } = 1_000_000;

    /// <summary>Protobuf message nesting limit while parsing.</summary>
    public int MaxMessageDepth { get; init; } = 100;

    /// <summary>Largest dense tensor (bytes) a sparse tensor may expand to, beyond <see cref="SparseExpansionFactor"/> times the file size.</summary>
    public long MaxSparseDenseBytes { get; init; } = 64L << 20;

    /// <summary>A sparse tensor may expand to this many times the model file's size.</summary>
    public int SparseExpansionFactor { get; init; } = 16;
}
