using Mote.Format.Binary;

namespace Mote.Format;

/// <summary>Decodes and checks the metadata section (layout in docs/format.md).</summary>
internal static class MetadataSectionReader
{
    public static ModelMetadata Read(SpanReader r, bool allowTrailingBytes)
    {
        var m = new ModelMetadata
        {
            Producer = r.ReadString("producer"),
            ProducerVersion = r.ReadString("producer version"),
        };
        int at = r.Position;
        byte shaLength = r.ReadU8("source SHA-256 length");
        if (shaLength != 0 && shaLength != MoteConstants.Sha256Length)
            throw r.ErrorAt(at, $"source SHA-256 length {shaLength} is invalid (must be 0 or {MoteConstants.Sha256Length})");
        m.SourceSha256 = r.ReadBytes(shaLength, "source SHA-256").ToArray();

        int opsets = r.ReadCount(4 + 8, "opset import");
        for (int i = 0; i < opsets; i++)
            m.Opsets.Add(new OpsetImport(r.ReadString("opset domain"), r.ReadI64("opset version")));
        int properties = r.ReadCount(4 + 4, "property");
        for (int i = 0; i < properties; i++)
        {
            string key = r.ReadString("property key");
            m.Properties.Add(new(key, r.ReadString("property value")));
        }
        if (r.Remaining != 0 && !allowTrailingBytes)
            throw r.Error($"{r.Remaining} unexpected bytes after the end of the metadata");
        return m;
    }
}
