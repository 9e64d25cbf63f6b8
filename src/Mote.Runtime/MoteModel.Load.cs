using Mote.Format;

namespace Mote.Runtime;

public sealed partial class MoteModel
{
    /// <summary>
    /// Memory-maps and validates a <c>.mote</c> file. Weights are used in place from the mapping.
    /// </summary>
    /// <exception cref="MoteFormatException">The file is corrupt, truncated, not a .mote file, or of a newer major version.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static MoteModel Load(string path, MoteReadOptions? options = null)
    {
        var file = MoteFile.Open(path, options);
        try
        {
            return new MoteModel(file.Model, file)
            {
                FormatVersion = $"{file.MajorVersion}.{file.MinorVersion}",
                FileLength = file.FileLength,
            };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The <c>.mote</c> format version of the file (<c>1.0</c>), or empty for an in-memory model.</summary>
    public string FormatVersion { get; private init; } = "";

    /// <summary>File size in bytes (0 for an in-memory model).</summary>
    public long FileLength { get; private init; }

    /// <summary>Number of nodes per operator, subgraphs included.</summary>
    public IReadOnlyDictionary<OpType, int> OperatorCounts =>
        Definition.Graph.AllNodes().GroupBy(n => n.Op).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Constant tensors (weights) per stored element type: element count and bytes.</summary>
    public IReadOnlyDictionary<DataType, (long Elements, long Bytes)> ParametersByType =>
        Definition.Tensors.Values.Where(t => t.IsConstant).GroupBy(t => t.Type)
            .ToDictionary(g => g.Key, g => (g.Sum(t => t.ElementCount ?? 0), g.Sum(t => (long)t.Data!.Value.Length)));
}
