using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>Turns an ONNX <c>Constant</c> node into a constant tensor of the model (no node is emitted).</summary>
internal static class ConstantNode
{
    /// <summary>Builds the constant named <paramref name="output"/> from the node's single value attribute.</summary>
    public static TensorDef ToTensor(string output, List<AttributeDef> attributes, string nodeLabel, ImportContext ctx)
    {
        if (attributes.Count != 1)
            throw ctx.Error($"Constant {nodeLabel} must have exactly one value attribute, it has {attributes.Count}");
        var a = attributes[0];
        return a.Name switch
        {
            "value" or "sparse_value" when a.Tensor is not null => new TensorDef(output, a.Tensor.Type, a.Tensor.Shape, a.Tensor.Data),
            "value_float" when a.Type == AttributeType.Float => TensorData.Create(output, DataType.Float32, [], [a.Float]),
            "value_floats" when a.Type == AttributeType.Floats => TensorData.Create(output, DataType.Float32, [a.Floats!.Length], a.Floats.Select(f => (double)f).ToArray()),
            "value_int" when a.Type == AttributeType.Int => TensorData.FromInt64s(output, [], [a.Int]),
            "value_ints" when a.Type == AttributeType.Ints => TensorData.FromInt64s(output, [a.Ints!.Length], a.Ints),
            "value_string" or "value_strings" => throw ctx.Error($"Constant {nodeLabel} holds strings; string tensors are not supported"),
            _ => throw ctx.Error($"Constant {nodeLabel} has unexpected attribute {a.Name} of kind {a.Type}"),
        };
    }
}
