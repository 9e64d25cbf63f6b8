using Mote.Convert.Onnx;

namespace Mote.Convert.Import;

/// <summary>
/// Reads tensor data stored outside the model (<c>data_location = EXTERNAL</c>). Only files inside the
/// model's directory are read; each tensor reads exactly its own byte range, so a large side file is
/// never loaded whole.
/// </summary>
internal sealed class ExternalDataReader(string modelPath, string? baseDirectory) : IDisposable
{
    private readonly Dictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle> _open = new(StringComparer.Ordinal);
    private readonly string? _root = baseDirectory is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseDirectory));

    /// <summary>Reads <paramref name="byteCount"/> bytes for <paramref name="tensor"/> as its external_data entries describe.</summary>
    public byte[] Read(TensorProto tensor, string tensorName, long byteCount)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        foreach (var e in tensor.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = ParseNonNegative(e.Value, tensorName, "offset"); break;
                case "length": length = ParseNonNegative(e.Value, tensorName, "length"); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw Error($"tensor '{tensorName}' is stored externally but names no location");
        if (length is { } l && l != byteCount)
            throw Error($"tensor '{tensorName}' external length {l} does not match its shape and type ({byteCount} bytes)");
        var handle = Open(location, tensorName);
        long fileLength = RandomAccess.GetLength(handle);
        if (offset > fileLength || byteCount > fileLength - offset)
            throw Error($"tensor '{tensorName}' external data [{offset}, +{byteCount}) lies beyond the end of '{location}' ({fileLength} bytes)");
        var data = new byte[byteCount];
        int read = 0;
        while (read < data.Length)
        {
            int n = RandomAccess.Read(handle, data.AsSpan(read), offset + read);
            if (n <= 0)
                throw Error($"tensor '{tensorName}': '{location}' ended early");
            read += n;
        }
        return data;
    }

    private Microsoft.Win32.SafeHandles.SafeFileHandle Open(string location, string tensorName)
    {
        if (_root is null)
            throw Error($"tensor '{tensorName}' is stored externally in '{location}', but the model was not read from a file");
        if (Path.IsPathRooted(location) || location.Contains(':') || location.Contains('\0'))
            throw Error($"tensor '{tensorName}' external data location '{location}' is an absolute path; only paths relative to the model's directory are allowed");
        string full = Path.GetFullPath(Path.Combine(_root, location));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw Error($"tensor '{tensorName}' external data location '{location}' escapes the model's directory");
        if (_open.TryGetValue(full, out var h))
            return h;
        try
        {
            h = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException(modelPath, $"tensor '{tensorName}': cannot open external data file '{location}' ({e.Message.TrimEnd('.')})", e);
        }
        _open[full] = h;
        return h;
    }

    private long ParseNonNegative(string value, string tensorName, string key) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v)
            ? v
            : throw Error($"tensor '{tensorName}' external data {key} '{value}' is not a non-negative integer");

    private OnnxImportException Error(string problem) => new(modelPath, problem);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var h in _open.Values)
            h.Dispose();
        _open.Clear();
    }
}
