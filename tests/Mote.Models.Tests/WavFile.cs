using System.Buffers.Binary;

namespace Mote.Models.Tests;

/// <summary>
/// A RIFF/WAVE reader for 16-bit PCM, enough for test audio: walks the chunks (skipping any besides
/// <c>fmt </c> and <c>data</c>, with RIFF's pad byte after odd sizes) and returns samples scaled to [−1, 1).
/// </summary>
internal sealed record WavFile(int SampleRate, int Channels, float[] Samples)
{
    /// <summary>Samples per channel.</summary>
    public int Frames => Samples.Length / Channels;

    public static WavFile Read(string path) => Parse(File.ReadAllBytes(path));

    public static WavFile Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < 12 || !b[..4].SequenceEqual("RIFF"u8) || !b[8..12].SequenceEqual("WAVE"u8))
            throw new InvalidDataException("not a RIFF/WAVE file");
        int rate = 0, channels = 0;
        for (int pos = 12; pos + 8 <= b.Length;)
        {
            var id = b.Slice(pos, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(b[(pos + 4)..]);
            int body = pos + 8;
            if (body + size > b.Length)
                throw new InvalidDataException($"chunk '{System.Text.Encoding.ASCII.GetString(id)}' runs past the end of the file");
            var chunk = b.Slice(body, (int)size);
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16)
                    throw new InvalidDataException("fmt chunk shorter than 16 bytes");
                int format = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(chunk[4..]);
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]);
                if (format != 1 || bits != 16 || channels < 1)
                    throw new InvalidDataException($"only 16-bit PCM is supported (format {format}, {bits} bits, {channels} channels)");
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (channels == 0)
                    throw new InvalidDataException("data chunk before fmt chunk");
                var samples = new float[size / 2];
                for (int i = 0; i < samples.Length; i++)
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(chunk[(2 * i)..]) / 32768f;
                return new WavFile(rate, channels, samples);
            }
            pos = body + (int)size + (int)(size & 1);
        }
        throw new InvalidDataException("no data chunk");
    }
}
