namespace Mote.Format;

/// <summary>Options for <see cref="MoteFile.Open"/> and <see cref="MoteFile.Read"/>.</summary>
public sealed class MoteReadOptions
{
    /// <summary>
    /// Verify the header checksum and the checksum of every section, weights included (default true).
    /// Turning it off saves one pass over the weights; structural validation is done either way.
    /// </summary>
    public bool VerifyChecksums { get; init; } = true;

    internal static readonly MoteReadOptions Default = new();
}
