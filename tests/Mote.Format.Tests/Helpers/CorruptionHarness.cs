using System.Diagnostics;
using Mote.Format;

namespace Mote.Format.Tests.Helpers;

/// <summary>
/// Parses variants of one file (a prefix of it, with some bytes patched) and records every outcome that is not a
/// successful parse or a <see cref="MoteFormatException"/>, any parse slower than the time budget, and any parse
/// that allocates more than 16 × the variant length + 1 MB. Patches are applied in place and undone afterwards, so
/// a variant costs no copy of the file.
/// </summary>
internal sealed class CorruptionHarness(byte[] original)
{
    private static readonly MoteReadOptions VerifyOn = new() { VerifyChecksums = true };
    private static readonly MoteReadOptions VerifyOff = new() { VerifyChecksums = false };
    private readonly byte[] _work = (byte[])original.Clone();
    private volatile string _current = "(none yet)";

    private const int MaxFailures = 20;

    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(2);

    public List<string> Failures { get; } = [];

    public int Variants { get; private set; }

    public int Accepted { get; private set; }

    public int Rejected { get; private set; }

    /// <summary>Description of the variant being parsed right now (for the hang watchdog).</summary>
    public string Current => _current;

    public readonly record struct Patch(int Offset, byte[] Bytes);

    public void Run(string description, int length, bool verify, params Patch[] patches)
    {
        // Enough evidence: stop spending time once the failure list is full.
        if (Failures.Count >= MaxFailures)
            return;
        _current = $"{description} [verify={verify}]";
        foreach (var p in patches)
            p.Bytes.CopyTo(_work, p.Offset);
        try
        {
            Parse(length, verify ? VerifyOn : VerifyOff);
        }
        finally
        {
            foreach (var p in patches)
                original.AsSpan(p.Offset, p.Bytes.Length).CopyTo(_work.AsSpan(p.Offset));
        }
    }

    private void Parse(int length, MoteReadOptions options)
    {
        Variants++;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        try
        {
            using var file = MoteFile.Read(_work.AsMemory(0, length), options);
            Touch(file.Model);
            Accepted++;
        }
        catch (MoteFormatException)
        {
            Rejected++;
        }
        catch (Exception e)
        {
            Fail($"threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (elapsed > Budget)
            Fail($"took {elapsed.TotalMilliseconds:F0} ms (budget {Budget.TotalMilliseconds:F0} ms)");
        long allowed = 16L * length + (1 << 20);
        if (allocated > allowed)
            Fail($"allocated {allocated} bytes (allowed {allowed})");
    }

    private void Fail(string what)
    {
        lock (Failures)
            if (Failures.Count < MaxFailures)
                Failures.Add($"{_current}: {what}");
    }

    /// <summary>A copy of <see cref="Failures"/> that is safe to take while the harness still runs on another thread.</summary>
    public string[] FailuresSnapshot()
    {
        lock (Failures)
            return [.. Failures];
    }

    /// <summary>Reads every part of a parsed model the way a consumer would, to surface lazily broken state.</summary>
    private static void Touch(ModelDef model)
    {
        long sum = 0;
        foreach (var t in model.Tensors.Values)
        {
            sum += t.Name.Length + (t.Shape?.Length ?? 0) + (t.Data?.Span.Length ?? 0);
            if (t.HasFixedShape)
                sum += t.ElementCount!.Value;
            if (t.Data is { Length: > 0 } data)
                sum += data.Span[^1];
        }
        foreach (var n in model.Graph.AllNodes())
            sum += n.Inputs.Count + n.Outputs.Count + n.Attributes.Count + n.ToString().Length;
        GC.KeepAlive(sum);
    }
}
