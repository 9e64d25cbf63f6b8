using Mote.Format.Tests.Helpers;

namespace Mote.Format.Tests;

/// <summary><see cref="MoteFile.Open"/> on things that are not .mote files.</summary>
public sealed class FileSystemTests
{
    [Fact]
    public void EmptyFile()
    {
        using var dir = new TempDir();
        string path = dir.File("empty.mote");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<MoteFormatException>(() => MoteFile.Open(path));
        Assert.Contains("not a .mote file (the file is empty)", e.Message);
    }

    [Fact]
    public void Directory_()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<MoteFormatException>(() => MoteFile.Open(dir.Path));
        Assert.Contains("is a directory, not a .mote file", e.Message);
    }

    [Fact]
    public void TextFile()
    {
        using var dir = new TempDir();
        string path = dir.File("model.onnx");
        File.WriteAllText(path, "ir_version: 8\nproducer_name: \"pytorch\"\n");
        var e = Assert.Throws<MoteFormatException>(() => MoteFile.Open(path));
        Assert.Contains("not a .mote file (bad magic)", e.Message);
    }

    [Fact]
    public void TinyFile()
    {
        using var dir = new TempDir();
        string path = dir.File("tiny.mote");
        File.WriteAllBytes(path, [0x4D]);
        Assert.Contains("bad magic", Assert.Throws<MoteFormatException>(() => MoteFile.Open(path)).Message);
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = new TempDir();
        Assert.Throws<FileNotFoundException>(() => MoteFile.Open(dir.File("nope.mote")));
    }

    [Fact]
    public void CorruptMappedFileIsReleased()
    {
        using var dir = new TempDir();
        string path = dir.File("corrupt.mote");
        var bytes = ModelBuilder.Write(TestModels.FullFeature());
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<MoteFormatException>(() => MoteFile.Open(path));
        File.Delete(path); // the mapping was released (matters on Windows; harmless here)
        Assert.False(File.Exists(path));
    }
}
