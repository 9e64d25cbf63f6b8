using Mote.Format.Binary;

namespace Mote.Format;

/// <summary>Encodes the graph section: the tensor table, then the main graph (layout in docs/format.md).</summary>
internal static class GraphSectionWriter
{
    public static void Write(BufferWriter w, ModelDef model, TensorNumbering numbering, WeightsLayout weights)
    {
        w.WriteCount(numbering.Tensors.Count);
        for (int i = 0; i < numbering.Tensors.Count; i++)
            WriteTensor(w, numbering.Tensors[i], weights.OffsetOf(i));
        WriteGraph(w, model.Graph, numbering);
    }

    private static void WriteTensor(BufferWriter w, TensorDef t, long dataOffset)
    {
        w.WriteString(t.Name);
        w.WriteU8((byte)t.Type);
        var flags = TensorRecordFlags.None;
        if (t.Shape is not null)
            flags |= TensorRecordFlags.HasShape;
        if (t.Quant is not null)
            flags |= TensorRecordFlags.HasQuant;
        if (t.Data is not null)
            flags |= TensorRecordFlags.Constant;
        w.WriteU8((byte)flags);
        if (t.Shape is { } shape)
        {
            w.WriteCount(shape.Length);
            foreach (var d in shape)
            {
                if (d.IsFixed)
                    w.WriteI64(d.Value);
                else
                {
                    w.WriteI64(-1);
                    w.WriteString(d.Symbol!);
                }
            }
        }
        if (t.Quant is { } q)
        {
            if (q.Axis is int axis)
            {
                w.WriteU8((byte)QuantKind.PerAxis);
                w.WriteI32(axis);
            }
            else
                w.WriteU8((byte)QuantKind.PerTensor);
            w.WriteCount(q.Scales.Length);
            foreach (var s in q.Scales)
                w.WriteF32(s);
            foreach (var z in q.ZeroPoints)
                w.WriteI32(z);
        }
        if (t.Data is { } data)
        {
            w.WriteU64((ulong)dataOffset);
            w.WriteU64((ulong)data.Length);
        }
    }

    private static void WriteGraph(BufferWriter w, GraphDef g, TensorNumbering numbering)
    {
        w.WriteString(g.Name ?? "");
        WriteIndices(w, g.Inputs, numbering);
        WriteIndices(w, g.Outputs, numbering);
        w.WriteCount(g.Nodes.Count);
        foreach (var node in g.Nodes)
        {
            w.WriteU16((ushort)node.Op);
            w.WriteString(node.Name ?? "");
            WriteIndices(w, node.Inputs, numbering);
            WriteIndices(w, node.Outputs, numbering);
            w.WriteCount(node.Attributes.Count);
            foreach (var a in node.Attributes)
                WriteAttribute(w, a, numbering);
        }
    }

    private static void WriteIndices(BufferWriter w, List<string> names, TensorNumbering numbering)
    {
        w.WriteCount(names.Count);
        foreach (var name in names)
            w.WriteU32(name.Length == 0 ? MoteConstants.OmittedIndex : numbering.IndexOf(name));
    }

    private static void WriteAttribute(BufferWriter w, AttributeDef a, TensorNumbering numbering)
    {
        w.WriteString(a.Name);
        w.WriteU8((byte)a.Type);
        switch (a.Type)
        {
            case AttributeType.Int:
                w.WriteI64(a.Int);
                break;
            case AttributeType.Float:
                w.WriteF32(a.Float);
                break;
            case AttributeType.String:
                w.WriteString(a.String!);
                break;
            case AttributeType.Ints:
                w.WriteCount(a.Ints!.Length);
                foreach (var v in a.Ints)
                    w.WriteI64(v);
                break;
            case AttributeType.Floats:
                w.WriteCount(a.Floats!.Length);
                foreach (var v in a.Floats)
                    w.WriteF32(v);
                break;
            case AttributeType.Strings:
                w.WriteCount(a.Strings!.Length);
                foreach (var v in a.Strings)
                    w.WriteString(v);
                break;
            case AttributeType.Tensor:
                w.WriteU32(numbering.IndexOf(a.Tensor!.Name));
                break;
            case AttributeType.Graph:
                WriteGraph(w, a.Graph!, numbering);
                break;
            default:
                throw new InvalidOperationException($"attribute type {a.Type} has no encoding");
        }
    }
}
