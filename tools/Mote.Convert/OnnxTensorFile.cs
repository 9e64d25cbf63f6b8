using Google.Protobuf;
using Mote.Convert.Import;
using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert;

/// <summary>Reads a serialized ONNX <c>TensorProto</c> (<c>.pb</c>), as the ONNX test data stores inputs and outputs.</summary>
public static class OnnxTensorFile
{
    /// <summary>The tensor in <paramref name="path"/>, as a constant <see cref="TensorDef"/> (its name is the proto's, or the file name).</summary>
    /// <exception cref="OnnxImportException">The file is not a valid tensor, or uses a type Mote lacks.</exception>
    public static TensorDef Read(string path)
    {
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException(path, $"not a serialized TensorProto ({e.Message})");
        }
        var name = proto.Name.Length > 0 ? proto.Name : Path.GetFileNameWithoutExtension(path);
        // External data is resolved next to the tensor file, with the importer's path rules.
        using var external = new ExternalDataReader(path, Path.GetDirectoryName(Path.GetFullPath(path)));
        return new TensorDecoder(path, external).Decode(proto, name);
    }
}
