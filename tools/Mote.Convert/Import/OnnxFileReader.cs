using System.Security.Cryptography;
using Google.Protobuf;
using Mote.Convert.Onnx;

namespace Mote.Convert.Import;

/// <summary>Reads an ONNX file into a <see cref="ModelProto"/>, turning every parse failure into an <see cref="OnnxImportException"/>.</summary>
internal static class OnnxFileReader
{
    /// <summary>Parses <paramref name="path"/> and returns the model and the SHA-256 of the file.</summary>
    public static (ModelProto Model, byte[] Sha256, long Length) Read(string path, ImportLimits limits)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            long length = stream.Length;
            if (length == 0)
                throw new OnnxImportException(path, "the file is empty");
            if (length > int.MaxValue)
                throw new OnnxImportException(path, $"the file is {length} bytes; protobuf models are limited to 2 GiB (store weights as external data)");
            Span<byte> head = stackalloc byte[16];
            int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            string? other = SniffOtherFormat(head[..got]);
            if (other is not null)
                throw new OnnxImportException(path, $"not an ONNX model: the file looks like {other}");
            stream.Position = 0;
            byte[] sha = SHA256.HashData(stream);
            stream.Position = 0;
            // Parse from the stream so only the parsed messages are held, not the file bytes as well.
            var input = CodedInputStream.CreateWithLimits(stream, int.MaxValue, limits.MaxMessageDepth);
            var model = ModelProto.Parser.ParseFrom(input);
            Validate(path, model);
            return (model, sha, length);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException(path, $"not a valid ONNX protobuf ({FirstLine(e.Message)}); the file is truncated, corrupt or of another format", e);
        }
        catch (FileNotFoundException e)
        {
            throw new OnnxImportException(path, "file not found", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new OnnxImportException(path, "directory not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new OnnxImportException(path, "access denied", e);
        }
        catch (IOException e)
        {
            throw new OnnxImportException(path, $"cannot read the file ({FirstLine(e.Message)})", e);
        }
    }

    /// <summary>Checks the few things every real ONNX model has, so a random byte string that happens to parse is rejected.</summary>
    internal static void Validate(string path, ModelProto model)
    {
        if (model.IrVersion <= 0)
            throw new OnnxImportException(path, "not an ONNX model: ir_version is missing (the file is corrupt or of another format)");
        if (model.Graph is null)
            throw new OnnxImportException(path, "not an ONNX model: it has no graph (the file is truncated, corrupt or of another format)");
    }

    private static string? SniffOtherFormat(ReadOnlySpan<byte> h)
    {
        static bool Starts(ReadOnlySpan<byte> s, ReadOnlySpan<byte> magic) => s.StartsWith(magic);
        if (Starts(h, [0x89, (byte)'P', (byte)'N', (byte)'G']))
            return "a PNG image";
        if (Starts(h, [0xFF, 0xD8, 0xFF]))
            return "a JPEG image";
        if (Starts(h, "GIF8"u8))
            return "a GIF image";
        if (Starts(h, "%PDF"u8))
            return "a PDF document";
        if (Starts(h, [(byte)'P', (byte)'K', 3, 4]))
            return "a ZIP archive (a PyTorch checkpoint or a zipped model?)";
        if (Starts(h, [0x1F, 0x8B]))
            return "a gzip archive";
        if (Starts(h, [0x7F, (byte)'E', (byte)'L', (byte)'F']))
            return "an ELF executable";
        if (Starts(h, "MOTE"u8))
            return "a .mote file (already converted)";
        if (h.Length >= 8 && h.Slice(4, 4).SequenceEqual("TFL3"u8))
            return "a TensorFlow Lite model";
        if (Starts(h, "ir_version"u8))
            return "an ONNX text-format file (convert it to binary protobuf first)";
        if (Starts(h, "GGUF"u8))
            return "a GGUF model";
        return null;
    }

    private static string FirstLine(string s)
    {
        int i = s.IndexOfAny(['\r', '\n']);
        return (i < 0 ? s : s[..i]).TrimEnd('.');
    }
}
