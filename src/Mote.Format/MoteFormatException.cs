namespace Mote.Format;

/// <summary>A <c>.mote</c> file is malformed, corrupt or of an unsupported version.</summary>
public sealed class MoteFormatException : MoteException
{
    /// <summary>Creates an exception naming the section and absolute byte offset of the problem.</summary>
    public MoteFormatException(string section, long offset, string message)
        : base($"invalid .mote file: {message} (section '{section}', byte offset {offset})")
    {
        Section = section;
        Offset = offset;
    }

    /// <summary>Creates an exception for a problem not tied to one location.</summary>
    public MoteFormatException(string message) : base($"invalid .mote file: {message}")
    {
        Section = "";
        Offset = -1;
    }

    /// <summary>The section where the problem was found ("header", "graph", "weights", "metadata"), or "".</summary>
    public string Section { get; }

    /// <summary>Absolute byte offset in the file, or -1.</summary>
    public long Offset { get; }
}
