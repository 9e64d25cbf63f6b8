using Mote.Format.Binary;

namespace Mote.Format;

/// <summary>Encodes the metadata section (layout in docs/format.md).</summary>
internal static class MetadataSectionWriter
{
    public static void Write(BufferWriter w, ModelMetadata m)
    {
        w.WriteString(m.Producer);
        w.WriteString(m.ProducerVersion);
        w.WriteU8((byte)m.SourceSha256.Length);
        w.WriteBytes(m.SourceSha256);
        w.WriteCount(m.Opsets.Count);
        foreach (var o in m.Opsets)
        {
            w.WriteString(o.Domain);
            w.WriteI64(o.Version);
        }
        w.WriteCount(m.Properties.Count);
        foreach (var p in m.Properties)
        {
            w.WriteString(p.Key);
            w.WriteString(p.Value);
        }
    }
}
