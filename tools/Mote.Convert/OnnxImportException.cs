namespace Mote.Convert;

/// <summary>
/// An ONNX model cannot be imported: the file is malformed, hostile, or uses something Mote does not
/// support. The message is one line naming the file and the problem.
/// </summary>
public sealed class OnnxImportException : Mote.Format.MoteException
{
    /// <summary>Creates an exception for <paramref name="file"/> (a path or a display name).</summary>
    public OnnxImportException(string file, string problem, Exception? inner = null)
        : base($"{DisplayName(file)}: {problem}", inner)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The model file (or display name) the problem is in.</summary>
    public string File { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    /// <summary>For an unsupported-operator failure: each operator key (<c>Op</c> or <c>domain.Op</c>) with the nodes using it.</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> UnsupportedOperators { get; init; } = [];

    private static string DisplayName(string file) => string.IsNullOrEmpty(file) ? "<onnx model>" : Path.GetFileName(file);
}
