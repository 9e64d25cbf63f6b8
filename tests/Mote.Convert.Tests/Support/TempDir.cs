using Google.Protobuf;
using Mote.Convert.Onnx;
using Mote.Format;

namespace Mote.Convert.Tests.Support;

/// <summary>A temporary directory for model files, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mote-convert-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(ModelProto model, string name = "model.onnx")
    {
        string file = File(name);
        System.IO.File.WriteAllBytes(file, model.ToByteArray());
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Writes a model to a temporary file and imports it.</summary>
internal static class Importer
{
    public static ImportResult Import(ModelProto model, ConvertOptions? options = null)
    {
        using var dir = new TempDir();
        return OnnxImporter.Import(dir.Write(model), options);
    }

    public static ModelDef Model(ModelProto model, ConvertOptions? options = null) => Import(model, options).Model;

    /// <summary>The import failure's message (the test fails if the import succeeds).</summary>
    public static OnnxImportException Fails(ModelProto model, ConvertOptions? options = null)
    {
        using var dir = new TempDir();
        string file = dir.Write(model);
        return Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(file, options));
    }
}
