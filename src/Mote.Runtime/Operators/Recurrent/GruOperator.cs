using System.Numerics;
using System.Numerics.Tensors;
using Mote.Format;
using Mote.Kernels.Gemm;
using Mote.Kernels.Recurrent;

namespace Mote.Runtime.Operators.Recurrent;

/// <summary>
/// ONNX GRU (opset 14): gates z, r, h per <see cref="GruCell"/>; default activations Sigmoid, Tanh. With
/// <c>linear_before_reset</c> one recurrent GEMM per step covers all three gates (Rbh stays inside the reset
/// gate); without it, z and r come first, then (r⊙Ht-1)·Rhᵀ, so R is packed as two blocks.
/// </summary>
internal sealed class GruOperator : RecurrentOperator
{
    private readonly bool _linearBeforeReset;
    private readonly SgemmPackedB[]? _packedR;
    private readonly SgemmPackedB[]? _packedRzr;
    private readonly SgemmPackedB[]? _packedRh;

    public GruOperator(NodeDef node, BuildContext build) : base(node, build, 3, ["Sigmoid", "Tanh"])
    {
        _linearBeforeReset = node.GetInt("linear_before_reset", 0) != 0;
        if (build.TryGetConstant(node.Input(2), out var r) && r.Rank == 3)
        {
            int hidden = r.Shape[2];
            if (_linearBeforeReset)
                _packedR = PackRows(build, 2, 0, r.Shape[1]);
            else if (r.Shape[1] == 3 * hidden)
            {
                _packedRzr = PackRows(build, 2, 0, 2 * hidden);
                _packedRh = PackRows(build, 2, 2 * hidden, hidden);
            }
        }
    }

    protected override bool NeedsExtra => !_linearBeforeReset;

    protected override int RecurrentBiasLength(int hidden) => _linearBeforeReset ? hidden : 0;

    protected override void SplitBias<T>(ReadOnlySpan<T> b, Span<T> projected, Span<T> recurrent)
    {
        base.SplitBias(b, projected, recurrent);
        if (!_linearBeforeReset)
            return;
        // Rbh is added to Ht-1·Rhᵀ before the reset gate scales it; only Wbh joins the projection.
        int gh = projected.Length, hidden = recurrent.Length;
        b.Slice(2 * hidden, hidden).CopyTo(projected[(2 * hidden)..]);
        b.Slice(gh + 2 * hidden, hidden).CopyTo(recurrent);
    }

    protected override void Step<T>(scoped ref RecurrentStep<T> step)
    {
        int hidden = step.HiddenSize, gh = 3 * hidden, d = step.Direction;
        var options = new GruCellOptions(Attributes.Activation(d, 0), Attributes.Activation(d, 1), Attributes.Clip, _linearBeforeReset, step.Width);
        if (_linearBeforeReset)
            RecurrentGemm.MultiplyTransposed<T>(step.Hidden, step.Batch, hidden, step.RecurrentWeights, Packed<T>(_packedR, d), default,
                step.Recurrent, gh, gh, step.Kernels, step.Pool);
        else
            RecurrentGemm.MultiplyTransposed<T>(step.Hidden, step.Batch, hidden, step.RecurrentWeights[..(2 * hidden * hidden)],
                Packed<T>(_packedRzr, d), default, step.Recurrent, 2 * hidden, gh, step.Kernels, step.Pool);
        for (int k = 0; k < step.Active.Length; k++)
        {
            int b = step.Active[k];
            var gates = RecurrentStep<T>.Row(step.Recurrent, b, gh);
            GruCell.Gates(gates, step.ProjectedRow(k, 3), hidden, in options);
            if (!_linearBeforeReset)
                TensorPrimitives.Multiply(gates.Slice(hidden, hidden), RecurrentStep<T>.Row(step.Hidden, b, hidden), RecurrentStep<T>.Row(step.Extra, b, hidden));
        }
        if (!_linearBeforeReset)
        {
            // Rows of finished sequences hold stale values here; their products are never read.
            RecurrentGemm.MultiplyTransposed<T>(step.Extra, step.Batch, hidden, step.RecurrentWeights[(2 * hidden * hidden)..],
                Packed<T>(_packedRh, d), default, step.Recurrent[(2 * hidden)..], hidden, gh, step.Kernels, step.Pool);
        }
        for (int k = 0; k < step.Active.Length; k++)
        {
            int b = step.Active[k];
            GruCell.Hidden(RecurrentStep<T>.Row(step.Recurrent, b, gh), step.ProjectedRow(k, 3), step.RecurrentBias,
                RecurrentStep<T>.Row(step.Hidden, b, hidden), in options);
        }
    }
}
