using System.Numerics;
using Mote.Format;
using Mote.Kernels.Gemm;
using Mote.Kernels.Recurrent;

namespace Mote.Runtime.Operators.Recurrent;

/// <summary>
/// ONNX LSTM (opset 14): gates i, o, f, c per <see cref="LstmCell"/>, with peepholes P (input 7), initial cell
/// state (input 6), final cell state Y_c (output 2) and <c>input_forget</c>; default activations Sigmoid, Tanh, Tanh.
/// </summary>
internal sealed class LstmOperator : RecurrentOperator
{
    private readonly SgemmPackedB[]? _packedR;
    private readonly bool _inputForget;

    public LstmOperator(NodeDef node, BuildContext build) : base(node, build, 4, ["Sigmoid", "Tanh", "Tanh"])
    {
        _inputForget = node.GetInt("input_forget", 0) != 0;
        if (build.TryGetConstant(node.Input(2), out var r) && r.Rank == 3)
            _packedR = PackRows(build, 2, 0, r.Shape[1]);
    }

    protected override int CellInput => 6;

    protected override int CellOutput => 2;

    protected override int DirectionVectorInput => 7;

    protected override int DirectionVectorUnits => 3;

    protected override void Step<T>(scoped ref RecurrentStep<T> step)
    {
        int hidden = step.HiddenSize, gh = 4 * hidden, d = step.Direction;
        RecurrentGemm.MultiplyTransposed<T>(step.Hidden, step.Batch, hidden, step.RecurrentWeights, Packed<T>(_packedR, d), default,
            step.Recurrent, gh, gh, step.Kernels, step.Pool);
        var options = new LstmCellOptions(Attributes.Activation(d, 0), Attributes.Activation(d, 1), Attributes.Activation(d, 2),
            Attributes.Clip, _inputForget, step.Width);
        for (int k = 0; k < step.Active.Length; k++)
        {
            int b = step.Active[k];
            LstmCell.Step(RecurrentStep<T>.Row(step.Recurrent, b, gh), step.ProjectedRow(k, 4), RecurrentStep<T>.Row(step.Cell, b, hidden),
                RecurrentStep<T>.Row(step.Hidden, b, hidden), step.DirectionVector, in options);
        }
    }
}
