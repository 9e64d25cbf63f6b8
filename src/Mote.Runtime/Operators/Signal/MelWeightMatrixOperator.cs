using Mote.Format;
using Mote.Kernels.Signal;

namespace Mote.Runtime.Operators.Signal;

/// <summary>
/// ONNX MelWeightMatrix (opset 17): the [dft_length/2 + 1, num_mel_bins] matrix of triangular mel filters
/// (see <see cref="MelFilterBank"/>) from five scalar inputs: num_mel_bins, dft_length, sample_rate
/// (int32/int64), lower_edge_hertz, upper_edge_hertz (float); in <c>output_datatype</c> (default f32).
/// The shape follows the inputs' values, so inputs computed while running make this a dynamic step.
/// </summary>
internal sealed class MelWeightMatrixOperator(NodeDef node) : Operator(node)
{
    private readonly GeneratedOutput _output = new(node);

    public override void InferShapes(ShapeContext ctx)
    {
        for (int i = 0; i < 3; i++)
            ctx.ExpectType(i, Names[i], DataType.Int32, DataType.Int64);
        for (int i = 3; i < 5; i++)
            ctx.ExpectType(i, Names[i], DataType.Float32, DataType.Float64);
        long bins = ScalarInput.Int(ctx, 0, Names[0]), length = ScalarInput.Int(ctx, 1, Names[1]), rate = ScalarInput.Int(ctx, 2, Names[2]);
        ScalarInput.Float(ctx, 3, Names[3]);
        ScalarInput.Float(ctx, 4, Names[4]);
        if (bins < 0 || length < 0 || length >= int.MaxValue || rate <= 0)
            throw new MoteShapeException($"num_mel_bins {bins} and dft_length {length} must be ≥ 0 and sample_rate {rate} positive");
        long rows = length / 2 + 1;
        if (rows * bins > int.MaxValue / sizeof(double) || bins > int.MaxValue - 2)
            throw new MoteShapeException($"a {rows}×{bins} mel matrix is too large");
        ctx.SetOutput(0, _output.Compute, [(int)rows, (int)bins]);
        // The matrix as doubles, then the melBins + 2 band edges.
        ctx.RequestScratch(GeneratedOutput.ScratchBytes(rows * bins) + (bins + 2) * sizeof(long));
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        int rows = y.Shape[0], bins = y.Shape[1];
        var w = GeneratedOutput.Values(ctx, rows * bins);
        var edges = ctx.ScratchAs<long>(GeneratedOutput.ScratchBytes((long)rows * bins), bins + 2);
        MelFilterBank.Fill(w, edges, bins, (int)ScalarInput.Int(ctx.Input(1), Names[1]), ScalarInput.Int(ctx.Input(2), Names[2]),
            ScalarInput.Float(ctx.Input(3), Names[3]), ScalarInput.Float(ctx.Input(4), Names[4]));
        _output.Store(ctx, y);
    }

    private static readonly string[] Names = ["num_mel_bins", "dft_length", "sample_rate", "lower_edge_hertz", "upper_edge_hertz"];
}
