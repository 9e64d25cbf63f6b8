using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>Converts ONNX value types (<see cref="TypeProto"/>) to element type and shape, naming unnamed dynamic dimensions.</summary>
internal sealed class ValueTypes(string file)
{
    private readonly HashSet<string> _symbols = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>Records a source <c>dim_param</c> so generated symbols avoid it.</summary>
    public void ReserveSymbol(string symbol) => _symbols.Add(symbol);

    /// <summary>
    /// Element type and shape of <paramref name="v"/>. A missing type gives (Undefined, null); a
    /// non-tensor type (sequence, map, optional, sparse) is an error.
    /// </summary>
    public (DataType Type, Dim[]? Shape) Convert(ValueInfoProto v, string what)
    {
        var t = v.Type;
        if (t is null || t.ValueCase == TypeProto.ValueOneofCase.None)
            return (DataType.Undefined, null);
        if (t.ValueCase != TypeProto.ValueOneofCase.TensorType)
            throw new OnnxImportException(file, $"{what} '{v.Name}' is a {KindName(t.ValueCase)}; only tensors are supported for now");
        var tt = t.TensorType;
        var type = tt.ElemType == 0 ? DataType.Undefined : OnnxDataTypes.Map(tt.ElemType, file, $"{what} '{v.Name}'");
        if (tt.Shape is null)
            return (type, null);
        var shape = new Dim[tt.Shape.Dim.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            var d = tt.Shape.Dim[i];
            shape[i] = d.ValueCase switch
            {
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue when d.DimValue >= 0 => Dim.Fixed(d.DimValue),
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam when d.DimParam.Length > 0 => Dim.Symbolic(d.DimParam),
                // Neither value nor name (or a negative value some exporters write): a unique symbol named
                // as ONNX Runtime's runner in `mote verify`/`bench` names it, so one --dim works for both.
                _ => Dim.Symbolic(NewSymbol($"{v.Name}_dim{i}")),
            };
        }
        return (type, shape);
    }

    private string NewSymbol(string preferred)
    {
        string s = preferred;
        while (!_symbols.Add(s))
            s = $"{preferred}_{_next++}";
        return s;
    }

    private static string KindName(TypeProto.ValueOneofCase c) => c switch
    {
        TypeProto.ValueOneofCase.SequenceType => "sequence",
        TypeProto.ValueOneofCase.MapType => "map",
        TypeProto.ValueOneofCase.OptionalType => "optional",
        TypeProto.ValueOneofCase.SparseTensorType => "sparse tensor",
        _ => "value of unknown kind",
    };
}
