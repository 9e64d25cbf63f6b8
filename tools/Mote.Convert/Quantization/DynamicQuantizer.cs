using Mote.Convert.Passes;
using Mote.Format;

namespace Mote.Convert.Quantization;

/// <summary>
/// <c>--precision int8-dynamic</c> (transformer-style models): every MatMul by a constant 2-D weight matrix [K, N]
/// runs in integers with its activation quantized at run time. The weights become int8, symmetric per output column
/// (scale <c>max_k |W[k, n]| / 127</c>); the product is
/// <c>DynamicQuantizeLinear(x) → MatMulInteger → Cast → × (x_scale · w_scale[n]) (+ bias)</c>, all standard ONNX, so
/// the model exports and runs in ONNX Runtime as it runs in Mote. No calibration: the activation's range is taken per
/// run (per tensor, uint8, as DynamicQuantizeLinear defines it).
/// </summary>
public sealed class DynamicQuantizer : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "QuantizeInt8Dynamic";

    /// <summary>After <see cref="Run"/>: the constants it made (int8 weights, their scales and zero points).</summary>
    public IReadOnlySet<string> Parameters => _parameters;

    private readonly HashSet<string> _parameters = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var index = new GraphIndex(model);
        var nodes = new List<NodeDef>(model.Graph.Nodes.Count * 3);
        foreach (var node in model.Graph.Nodes)
        {
            if (node.Op == OpType.MatMul && Weights(node, index) is { } w)
            {
                nodes.AddRange(Rewrite(model, node, w, _parameters));
                report.Count("MatMul → MatMulInteger");
            }
            else
            {
                if (node.Op is OpType.MatMul or OpType.Gemm)
                    report.Count($"{node.Op} kept float");
                nodes.Add(node);
            }
        }
        model.Graph.Nodes.Clear();
        model.Graph.Nodes.AddRange(nodes);
    }

    // The constant float [K, N] weight matrix of a MatMul (input 1; input 2, when present, a bias Mote fused in).
    private static TensorDef? Weights(NodeDef node, GraphIndex index) =>
        index.Constant(node.Input(1)) is { Type: DataType.Float32 or DataType.Float16, Shape.Length: 2 } w && w.HasFixedShape
        && (node.Inputs.Count < 3 || node.Input(2).Length == 0 || index.Constant(node.Input(2)) is not null) ? w : null;

    private static IEnumerable<NodeDef> Rewrite(ModelDef model, NodeDef matmul, TensorDef w, HashSet<string> parameters)
    {
        var shape = w.FixedShape();
        int n = (int)shape[1];
        var (q, scales) = WeightQuantizer.Quantize(w, perColumn: true);
        string x = matmul.Input(0), y = matmul.Outputs[0];
        string Fresh(string hint) => ModelEdit.UnusedName(model, hint);
        string Add(TensorDef t)
        {
            if (t.IsConstant)
                parameters.Add(t.Name);
            return model.Add(t).Name;
        }
        string Activation(string hint, DataType type) => Add(new TensorDef(Fresh(hint), type, null));
        string wq = Add(TensorData.Create(Fresh(w.Name + ".q"), DataType.Int8, shape, q.Select(v => (double)v).ToArray()));
        string wz = Add(TensorData.Create(Fresh(w.Name + ".zero_point"), DataType.Int8, [n], new double[n]));
        string ws = Add(TensorData.Create(Fresh(w.Name + ".scale"), DataType.Float32, [n], scales.Select(v => (double)v).ToArray()));
        string xq = Activation(x + ".q", DataType.UInt8), xs = Activation(x + ".scale", DataType.Float32), xz = Activation(x + ".zero_point", DataType.UInt8);
        string acc = Activation(y + ".acc", DataType.Int32), accf = Activation(y + ".acc_f", DataType.Float32), scale = Activation(y + ".scale", DataType.Float32);
        bool bias = matmul.Inputs.Count > 2 && matmul.Input(2).Length > 0;
        string product = bias ? Activation(y + ".unbiased", DataType.Float32) : y;
        string name = matmul.Name;
        yield return new NodeDef(OpType.DynamicQuantizeLinear, name + "/quantize", [x], [xq, xs, xz]);
        yield return new NodeDef(OpType.MatMulInteger, name, [xq, wq, xz, wz], [acc]);
        yield return new NodeDef(OpType.Cast, name + "/cast", [acc], [accf], [AttributeDef.FromInt("to", (long)DataType.Float32)]);
        yield return new NodeDef(OpType.Mul, name + "/scales", [xs, ws], [scale]);
        yield return new NodeDef(OpType.Mul, name + "/scale", [accf, scale], [product]);
        if (bias)
            yield return new NodeDef(OpType.Add, name + "/bias", [product, matmul.Input(2)], [y]);
    }
}
