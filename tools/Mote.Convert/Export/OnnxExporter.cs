using Google.Protobuf;
using Mote.Convert.Onnx;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Operators.NeuralNet;

namespace Mote.Convert.Export;

/// <summary>
/// <c>mote export</c>: a <c>.mote</c> model back to ONNX, so that ONNX Runtime can run the very model Mote runs (an int8
/// conversion is QuantizeLinear / QLinearConv / DequantizeLinear already, the operator form ONNX Runtime executes as
/// integers). Mote's fusions are written out again as ONNX nodes: a fused activation (and its affine map) becomes its
/// own node after the producer, a Conv's residual input an Add before it, a MatMul's bias an Add. The graph is written
/// at opset 21, the form the importer rewrites every older opset into. Mote's fused attention is refused for now.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ONNX model for <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The model holds an operator ONNX cannot express.</exception>
    public static ModelProto Export(ModelDef model)
    {
        var proto = new ModelProto
        {
            IrVersion = 10,
            ProducerName = "mote-export",
            Graph = new GraphWriter(model).Write(model.Graph, isMain: true),
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 21 });
        return proto;
    }

    /// <summary>Writes <paramref name="model"/> as an ONNX file at <paramref name="path"/>.</summary>
    public static void Write(ModelDef model, string path) => File.WriteAllBytes(path, Export(model).ToByteArray());

    private sealed class GraphWriter(ModelDef model)
    {
        private readonly Dictionary<string, TensorDef> _scalars = new(StringComparer.Ordinal);
        private int _fresh;

        private TensorDef? Constant(string name) =>
            model.Tensors.TryGetValue(name, out var t) && t.IsConstant ? t : _scalars.GetValueOrDefault(name);

        public GraphProto Write(GraphDef graph, bool isMain)
        {
            var g = new GraphProto { Name = graph.Name.Length > 0 ? graph.Name : "mote" };
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in graph.Inputs)
            {
                var t = model.Tensor(name);
                if (t.IsConstant && isMain)
                    continue;
                g.Input.Add(Value(t));
            }
            foreach (var name in graph.Outputs)
                g.Output.Add(model.Tensors.TryGetValue(name, out var t) ? Value(t) : new ValueInfoProto { Name = name });
            var widen = FloatReadHalves(graph);
            foreach (var node in graph.Nodes)
                foreach (var proto in Nodes(node))
                {
                    foreach (var input in proto.Input)
                        if (input.Length > 0 && written.Add(input) && Constant(input) is { } t)
                            g.Initializer.Add(widen.Contains(input) ? Widened(t) : Tensor(t));
                    g.Node.Add(proto);
                }
            foreach (var name in graph.Outputs)
                if (written.Add(name) && Constant(name) is { } t)
                    g.Initializer.Add(Tensor(t));
            return g;
        }

        // One Mote node as ONNX nodes: the node itself, then whatever Mote fused into it.
        private IEnumerable<NodeProto> Nodes(NodeDef node)
        {
            if ((int)node.Op >= 1000 || node.Op == OpType.Unknown)
                throw new NotSupportedException($"{node.Describe()}: Mote's own operator {node.Op} has no ONNX form");
            // FuseAttention's node takes a [batch, sequence] padding mask, which ONNX's Attention does not.
            if (node.Op == OpType.Attention)
                throw new NotSupportedException($"{node.Describe()}: Mote's fused attention is not written back as ONNX yet (convert with --no-optimize to export such a model)");
            var inputs = node.Inputs.ToList();
            string? residual = null, bias = null;
            if (node.Op == OpType.Conv && inputs.Count > 3)
            {
                residual = inputs[3];
                inputs.RemoveRange(3, inputs.Count - 3);
            }
            if (node.Op == OpType.MatMul && inputs.Count > 2)
            {
                bias = inputs[2];
                inputs.RemoveRange(2, inputs.Count - 2);
            }
            var kind = (ActivationKind)(node.Attribute(FusedActivation.KindAttribute)?.Int ?? 0);
            var affine = node.Attribute(FusedActivation.AffineAttribute)?.Floats;
            var tail = new List<(string Op, string[] Extra, AttributeProto[] Attributes)>();
            if (residual is not null) tail.Add(("Add", [residual], []));
            if (bias is not null) tail.Add(("Add", [bias], []));
            if (kind != ActivationKind.None) tail.Add(Activation(kind, node.Attribute(FusedActivation.ParamsAttribute)?.Floats ?? [], node));
            if (affine is { Length: 2 })
            {
                tail.Add(("Mul", [Scalar(affine[0])], []));
                tail.Add(("Add", [Scalar(affine[1])], []));
            }
            var outputs = node.Outputs.ToList();
            string final = outputs.Count > 0 ? outputs[0] : "";
            if (tail.Count > 0)
                outputs[0] = Fresh(final);
            var main = new NodeProto { OpType = node.Op.ToString(), Name = node.Name };
            main.Input.AddRange(inputs);
            main.Output.AddRange(outputs);
            foreach (var a in node.Attributes)
                if (!a.Name.StartsWith("mote.", StringComparison.Ordinal))
                    main.Attribute.Add(Attribute(a));
            yield return main;
            string current = outputs.Count > 0 ? outputs[0] : "";
            for (int i = 0; i < tail.Count; i++)
            {
                var (op, extra, attributes) = tail[i];
                string next = i == tail.Count - 1 ? final : Fresh(final);
                var n = new NodeProto { OpType = op, Name = $"{node.Name}/{op.ToLowerInvariant()}{i}" };
                n.Input.Add(current);
                n.Input.AddRange(extra);
                n.Output.Add(next);
                n.Attribute.AddRange(attributes);
                yield return n;
                current = next;
            }
        }

        private (string, string[], AttributeProto[]) Activation(ActivationKind kind, float[] p, NodeDef node) => kind switch
        {
            ActivationKind.Relu => ("Relu", [], []),
            ActivationKind.Clip => ("Clip", [Scalar(p.Length > 0 ? p[0] : float.MinValue), Scalar(p.Length > 1 ? p[1] : float.MaxValue)], []),
            ActivationKind.LeakyRelu => ("LeakyRelu", [], [Float("alpha", p.Length > 0 ? p[0] : 0.01f)]),
            ActivationKind.Sigmoid => ("Sigmoid", [], []),
            ActivationKind.HardSigmoid => ("HardSigmoid", [], [Float("alpha", p.Length > 0 ? p[0] : 0.2f), Float("beta", p.Length > 1 ? p[1] : 0.5f)]),
            ActivationKind.HardSwish => ("HardSwish", [], []),
            ActivationKind.Tanh => ("Tanh", [], []),
            _ => throw new NotSupportedException($"{node.Describe()}: fused activation {kind} has no ONNX form here"),
        };

        private string Fresh(string hint)
        {
            string name;
            do name = $"{hint}__mote_export{++_fresh}";
            while (model.Tensors.ContainsKey(name) || _scalars.ContainsKey(name));
            return name;
        }

        // A float scalar for an unfused node's second input (Clip bounds, affine scale and offset), written as an initializer.
        private string Scalar(float value)
        {
            string name = Fresh("scalar");
            _scalars[name] = new TensorDef(name, DataType.Float32, [], BitConverter.GetBytes(value));
            return name;
        }

        private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

        private AttributeProto Attribute(AttributeDef a)
        {
            var p = new AttributeProto { Name = a.Name };
            switch (a.Type)
            {
                case AttributeType.Int: p.Type = AttributeProto.Types.AttributeType.Int; p.I = a.Int; break;
                case AttributeType.Float: p.Type = AttributeProto.Types.AttributeType.Float; p.F = a.Float; break;
                case AttributeType.String: p.Type = AttributeProto.Types.AttributeType.String; p.S = ByteString.CopyFromUtf8(a.String ?? ""); break;
                case AttributeType.Ints: p.Type = AttributeProto.Types.AttributeType.Ints; p.Ints.AddRange(a.Ints ?? []); break;
                case AttributeType.Floats: p.Type = AttributeProto.Types.AttributeType.Floats; p.Floats.AddRange(a.Floats ?? []); break;
                case AttributeType.Strings: p.Type = AttributeProto.Types.AttributeType.Strings; p.Strings.AddRange((a.Strings ?? []).Select(ByteString.CopyFromUtf8)); break;
                case AttributeType.Tensor: p.Type = AttributeProto.Types.AttributeType.Tensor; p.T = Tensor(a.Tensor!); break;
                case AttributeType.Graph: p.Type = AttributeProto.Types.AttributeType.Graph; p.G = Write(a.Graph!, isMain: false); break;
                default: throw new NotSupportedException($"attribute '{a.Name}' of type {a.Type} has no ONNX form here");
            }
            return p;
        }

        // float16 constants that a node reads beside a float32 activation (fp16 weights in a float32 graph: Mote computes
        // float16 as float32, ONNX wants one type per operator), written back as float32.
        private HashSet<string> FloatReadHalves(GraphDef graph)
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in graph.Nodes)
                if (node.Inputs.Count > 1 && model.Tensors.TryGetValue(node.Inputs[0], out var x) && x.Type == DataType.Float32)
                    foreach (var input in node.Inputs.Skip(1))
                        if (input.Length > 0 && model.Tensors.TryGetValue(input, out var t) && t.IsConstant && t.Type == DataType.Float16)
                            result.Add(input);
            return result;
        }

        private static TensorProto Widened(TensorDef t)
        {
            var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(t.Data!.Value.Span);
            var floats = new float[halves.Length];
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(halves, floats);
            var p = new TensorProto { Name = t.Name, DataType = (int)DataType.Float32, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats.AsSpan())) };
            p.Dims.AddRange(t.FixedShape());
            return p;
        }

        private static TensorProto Tensor(TensorDef t)
        {
            var p = new TensorProto { Name = t.Name, DataType = (int)t.Type, RawData = ByteString.CopyFrom(t.Data!.Value.Span) };
            p.Dims.AddRange(t.FixedShape());
            return p;
        }

        private static ValueInfoProto Value(TensorDef t)
        {
            if (t.Type == DataType.Undefined)
                return new ValueInfoProto { Name = t.Name };
            var type = new TypeProto.Types.Tensor { ElemType = (int)t.Type };
            if (t.Shape is { } shape)
            {
                type.Shape = new TensorShapeProto();
                foreach (var d in shape)
                    type.Shape.Dim.Add(d.IsFixed ? new TensorShapeProto.Types.Dimension { DimValue = d.Value } : new TensorShapeProto.Types.Dimension { DimParam = d.Symbol });
            }
            return new ValueInfoProto { Name = t.Name, Type = new TypeProto { TensorType = type } };
        }
    }
}
