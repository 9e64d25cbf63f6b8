using System.Numerics;
using Mote.Format;
using Mote.Kernels.Gemm;
using Mote.Kernels.Recurrent;

namespace Mote.Runtime.Operators.Recurrent;

/// <summary>ONNX RNN (opset 14): <c>Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb)</c> per <see cref="RnnCell"/>; default activation Tanh.</summary>
internal sealed class RnnOperator : RecurrentOperator
{
    private readonly SgemmPackedB[]? _packedR;

    public RnnOperator(NodeDef node, BuildContext build) : base(node, build, 1, ["Tanh"])
    {
        if (build.TryGetConstant(node.Input(2), out var r) && r.Rank == 3)
            _packedR = PackRows(build, 2, 0, r.Shape[1]);
    }

    protected override void Step<T>(scoped ref RecurrentStep<T> step)
    {
        int hidden = step.HiddenSize, d = step.Direction;
        RecurrentGemm.MultiplyTransposed<T>(step.Hidden, step.Batch, hidden, step.RecurrentWeights, Packed<T>(_packedR, d), default,
            step.Recurrent, hidden, hidden, step.Kernels, step.Pool);
        var f = Attributes.Activation(d, 0);
        for (int k = 0; k < step.Active.Length; k++)
        {
            int b = step.Active[k];
            RnnCell.Step<T>(RecurrentStep<T>.Row(step.Recurrent, b, hidden), step.ProjectedRow(k, 1), RecurrentStep<T>.Row(step.Hidden, b, hidden),
                f, Attributes.Clip, step.Width);
        }
    }
}
