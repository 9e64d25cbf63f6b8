using System.Buffers.Binary;
using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert.Import;

/// <summary>
/// Densifies a COO <see cref="SparseTensorProto"/> (sparse initializers, <c>Constant.sparse_value</c>).
/// The dense size is capped relative to the file size so a tiny file cannot demand gigabytes.
/// </summary>
internal sealed class SparseTensorDecoder(string file, TensorDecoder dense, long maxDenseBytes)
{
    /// <summary>Densifies <paramref name="s"/> into a constant named <paramref name="name"/>.</summary>
    public TensorDef Decode(SparseTensorProto s, string name)
    {
        if (s.Values is null || s.Indices is null)
            throw Error($"sparse tensor '{name}' lacks values or indices");
        var values = dense.Decode(s.Values, name);
        var indices = dense.Decode(s.Indices, name + "/indices");
        if (indices.Type != DataType.Int64)
            throw Error($"sparse tensor '{name}' indices must be int64, not {indices.Type.ShortName()}");
        int rank = s.Dims.Count;
        long count = 1;
        var shape = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            long d = s.Dims[i];
            if (d < 0 || (d != 0 && count > long.MaxValue / d))
                throw Error($"sparse tensor '{name}' has an invalid dense shape [{string.Join(",", s.Dims)}]");
            count *= d;
            shape[i] = Dim.Fixed(d);
        }
        int size = values.Type.Size();
        if (count > maxDenseBytes / size)
            throw Error($"sparse tensor '{name}' would expand to {count} elements, more than the limit for this file ({maxDenseBytes} bytes)");
        long nnz = values.ElementCount ?? 0;
        if (values.Shape!.Length != 1)
            throw Error($"sparse tensor '{name}' values must be 1-D");
        var idxShape = indices.FixedShape();
        bool linear = idxShape.Length == 1 && idxShape[0] == nnz;
        bool coords = idxShape.Length == 2 && idxShape[0] == nnz && idxShape[1] == rank;
        if (!linear && !coords)
            throw Error($"sparse tensor '{name}' indices shape [{string.Join(",", idxShape)}] does not match {nnz} values of rank {rank}");
        var output = new byte[count * size];
        var src = values.Data!.Value.Span;
        var idx = indices.Data!.Value.Span;
        for (long k = 0; k < nnz; k++)
        {
            long flat = 0;
            if (linear)
                flat = BinaryPrimitives.ReadInt64LittleEndian(idx[(int)(8 * k)..]);
            else
                for (int r = 0; r < rank; r++)
                {
                    long c = BinaryPrimitives.ReadInt64LittleEndian(idx[(int)(8 * (k * rank + r))..]);
                    if (c < 0 || c >= s.Dims[r])
                        throw Error($"sparse tensor '{name}' index {c} is out of range for dimension {r}");
                    flat = flat * s.Dims[r] + c;
                }
            if (flat < 0 || flat >= count)
                throw Error($"sparse tensor '{name}' index {flat} is out of range");
            src.Slice((int)(k * size), size).CopyTo(output.AsSpan((int)(flat * size), size));
        }
        return new TensorDef(name, values.Type, shape, output);
    }

    private OnnxImportException Error(string problem) => new(file, problem);
}
