using System.Buffers.Binary;
using System.Diagnostics;
using Mote.Format.Tests.Helpers;
using Xunit.Abstractions;
using Patch = Mote.Format.Tests.Helpers.CorruptionHarness.Patch;

namespace Mote.Format.Tests;

/// <summary>
/// Thousands of corrupted variants of real-sized files (truncations, flipped bytes, overwritten fields), parsed with
/// checksum verification on and off. Off is the important case: the parser alone must reject garbage cleanly.
/// Also runs over every extra <c>.mote</c> file placed in <c>Data/</c>.
/// </summary>
public sealed class CorruptionFuzzTests(ITestOutputHelper output)
{
    private const string Synthetic = "(synthetic conv net)";

    public static IEnumerable<object[]> Files()
    {
        yield return [Synthetic];
        if (Directory.Exists(RepoPaths.OutputDataDir))
            foreach (var f in Directory.GetFiles(RepoPaths.OutputDataDir, "*.mote").Order(StringComparer.Ordinal))
                yield return [Path.GetFileName(f)];
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ParserSurvivesCorruption(string fileName)
    {
        var bytes = fileName == Synthetic ? ModelBuilder.Write(TestModels.ConvNet()) : File.ReadAllBytes(Path.Combine(RepoPaths.OutputDataDir, fileName));
        var harness = new CorruptionHarness(bytes);
        var clock = Stopwatch.StartNew();
        Exception? crashed = null;
        var worker = new Thread(() =>
        {
            try
            {
                RunVariants(bytes, harness, seed: fileName.Length * 7919 + bytes.Length);
            }
            catch (Exception e)
            {
                crashed = e;
            }
        }, maxStackSize: 4 << 20) { IsBackground = true };
        worker.Start();
        if (!worker.Join(TimeSpan.FromSeconds(90)))
            Assert.Fail($"{fileName}: not finished after 90 s; hung on variant: {harness.Current}\nfailures so far:\n" + string.Join("\n\n", harness.FailuresSnapshot()));
        Assert.Null(crashed);
        output.WriteLine($"{fileName}: {bytes.Length} bytes, {harness.Variants} variants ({harness.Accepted} parsed, {harness.Rejected} rejected) in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(harness.Failures.Count == 0, $"{fileName}:\n" + string.Join("\n\n", harness.Failures));
        Assert.True(harness.Variants > 5000, $"only {harness.Variants} variants");
        Assert.True(harness.Accepted > 100 && harness.Rejected > 1000, "the variants should both pass (corrupt weights, unchecked) and fail");
    }

    private static void RunVariants(byte[] file, CorruptionHarness h, int seed)
    {
        // The original parses with and without verification.
        h.Run("original", file.Length, verify: true);
        h.Run("original", file.Length, verify: false);
        if (h.Accepted != 2)
        {
            h.Failures.Add("the original file does not parse; cannot fuzz it");
            return;
        }
        using var parsed = MoteFile.Read(file);
        var sections = parsed.Sections;
        // Everything but the weights: header, table, graph, metadata (and unknown sections).
        int structureEnd = (int)Math.Max(40 + 32L * sections.Count, sections.Where(s => s.Kind != MoteSectionKind.Weights).Max(s => s.Offset + s.Length));
        var rng = new Random(seed);
        // Verifying checksums hashes the whole file; keep that affordable for big models.
        int verifyEvery = Math.Max(1, file.Length / (4 << 20));

        // 1. Plain truncation at every length through the structure, sampled beyond.
        var lengths = Enumerable.Range(0, structureEnd + 1).Concat(Enumerable.Range(0, 300).Select(_ => rng.Next(structureEnd, file.Length))).ToArray();
        foreach (int n in lengths)
        {
            h.Run($"truncated to {n} bytes", n, verify: false);
            h.Run($"truncated to {n} bytes", n, verify: true);
        }

        // 2. Truncation with the header's file length made consistent, so parsing goes on to the section bounds.
        foreach (int n in lengths.Where(n => n >= 40))
            h.Run($"truncated to {n} bytes, header length patched", n, verify: false, new Patch(16, U64(n)));

        // 3. A known section cut short at every length: the section parser meets its end everywhere.
        for (int i = 0; i < sections.Count; i++)
        {
            var s = sections[i];
            if (s.Kind is not (MoteSectionKind.Graph or MoteSectionKind.Metadata))
                continue;
            for (long k = 0; k < s.Length; k++)
                h.Run($"{s.Name} section length cut to {k}", file.Length, verify: false, new Patch(40 + 32 * i + 16, U64(k)));
        }

        // 4. Single-byte flips, 3/4 of them in the structure.
        for (int v = 0; v < 4000; v++)
        {
            int at = Position(rng, structureEnd, file.Length);
            byte value = (byte)(file[at] ^ rng.Next(1, 256));
            var patch = new Patch(at, [value]);
            h.Run($"byte {at} set to 0x{value:X2}", file.Length, verify: false, patch);
            if (v % verifyEvery == 0)
                h.Run($"byte {at} set to 0x{value:X2}", file.Length, verify: true, patch);
        }

        // 5. Random multi-byte overwrites.
        for (int v = 0; v < 2500; v++)
        {
            int at = Position(rng, structureEnd, file.Length);
            var junk = new byte[Math.Min(rng.Next(2, 17), file.Length - at)];
            rng.NextBytes(junk);
            var patch = new Patch(at, junk);
            h.Run($"{junk.Length} random bytes at {at}: {Convert.ToHexString(junk)}", file.Length, verify: false, patch);
            if (v % verifyEvery == 0)
                h.Run($"{junk.Length} random bytes at {at}: {Convert.ToHexString(junk)}", file.Length, verify: true, patch);
        }

        // 6. Boundary values written over what are likely counts, lengths, indices and offsets.
        ulong[] interesting = [0, 1, 2, 7, 8, 63, 64, 65, 255, 256, 4096, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
            (ulong)file.Length, (ulong)file.Length - 1, (ulong)structureEnd, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, ulong.MaxValue];
        for (int v = 0; v < 3000; v++)
        {
            int width = rng.Next(3) switch { 0 => 2, 1 => 4, _ => 8 };
            int at = rng.Next(0, Math.Max(1, structureEnd - width));
            var value = U64((long)interesting[rng.Next(interesting.Length)])[..width];
            h.Run($"u{width * 8} at {at} set to {Convert.ToHexString(value)}", file.Length, verify: false, new Patch(at, value));
        }
    }

    private static int Position(Random rng, int structureEnd, int length) =>
        rng.Next(4) < 3 ? rng.Next(0, structureEnd) : rng.Next(0, length);

    private static byte[] U64(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)v);
        return b;
    }

    [Fact]
    public void MappedFilesSurviveCorruptionToo()
    {
        var bytes = ModelBuilder.Write(TestModels.FullFeature());
        using var dir = new TempDir();
        var rng = new Random(99);
        for (int v = 0; v < 60; v++)
        {
            var copy = (byte[])bytes.Clone();
            int n = v % 3 == 0 ? rng.Next(0, copy.Length) : copy.Length;
            copy[rng.Next(0, n == 0 ? 1 : n) % copy.Length] ^= (byte)rng.Next(1, 256);
            string path = dir.File($"v{v}.mote");
            File.WriteAllBytes(path, copy[..n]);
            try
            {
                using var f = MoteFile.Open(path, new MoteReadOptions { VerifyChecksums = v % 2 == 0 });
            }
            catch (MoteFormatException)
            {
            }
        }
    }
}
