using System.IO.Hashing;
using Mote.Format.Layout;

namespace Mote.Format;

/// <summary>The header checksum: XXH3-64 (seed 0) of header bytes [0, 32) followed by the whole section table.</summary>
internal static class HeaderChecksum
{
    /// <param name="headerAndTable">The 40-byte header immediately followed by the section table.</param>
    public static ulong Compute(ReadOnlySpan<byte> headerAndTable)
    {
        var hash = new XxHash3();
        hash.Append(headerAndTable[..FileHeader.ChecksumOffset]);
        hash.Append(headerAndTable[MoteConstants.HeaderSize..]);
        return hash.GetCurrentHashAsUInt64();
    }
}
