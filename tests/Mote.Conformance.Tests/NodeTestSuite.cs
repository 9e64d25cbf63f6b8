using System.Collections.Concurrent;
using Xunit;
using Xunit.Abstractions;

namespace Mote.Conformance.Tests;

/// <summary>
/// Every case of the ONNX backend node tests. Fails when a case listed in <c>passing.txt</c> no longer
/// passes; with <c>MOTE_UPDATE_CONFORMANCE=1</c> it rewrites that list and <c>docs/operators.md</c>.
/// </summary>
public sealed class NodeTestSuite(ITestOutputHelper output)
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void NoPassingCaseRegresses()
    {
        var root = RepoPaths.NodeTests;
        var cases = Directory.GetDirectories(root, "test_*").Order(StringComparer.Ordinal).ToList();
        Assert.True(cases.Count > 1000, $"expected the ONNX node tests in {root}");
        var scratch = Directory.CreateTempSubdirectory("mote-conformance-").FullName;
        var results = new ConcurrentBag<CaseResult>();
        try
        {
            Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, dir =>
            {
                var task = Task.Run(() => NodeTestCase.Run(dir, scratch));
                results.Add(task.Wait(CaseTimeout) ? task.Result
                    : new CaseResult(Path.GetFileName(dir), "?", 0, "", CaseStatus.Fail, $"hang: no result within {CaseTimeout.TotalSeconds} s"));
            });
        }
        finally
        {
            Directory.Delete(scratch, true);
        }
        var all = results.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var passing = all.Where(r => r.Status == CaseStatus.Pass).Select(r => r.Name).ToHashSet();
        var inScope = all.Count(r => r.Status != CaseStatus.OutOfScope);
        output.WriteLine($"{passing.Count} of {inScope} in-scope cases pass; {all.Count(r => r.Status == CaseStatus.Fail)} fail; {all.Count(r => r.Status == CaseStatus.Unsupported)} unsupported");
        foreach (var r in all.Where(r => r.Status == CaseStatus.Fail))
            output.WriteLine($"FAIL {r.Name}: {r.Detail}");

        if (Environment.GetEnvironmentVariable("MOTE_UPDATE_CONFORMANCE") == "1")
        {
            File.WriteAllLines(RepoPaths.PassingList, passing.Order(StringComparer.Ordinal));
            File.WriteAllText(RepoPaths.OperatorsDoc, ConformanceReport.Markdown(all));
        }
        // Anywhere in the suite, in scope or not: a crash or a hang is a defect.
        var broken = all.Where(r => r.Detail.Contains("crashed:", StringComparison.Ordinal) || r.Detail.StartsWith("hang:", StringComparison.Ordinal)).ToList();
        Assert.True(broken.Count == 0, "cases that crashed or hung: " + string.Join("; ", broken.Select(r => $"{r.Name}: {r.Detail}")));
        var baseline = File.Exists(RepoPaths.PassingList) ? File.ReadAllLines(RepoPaths.PassingList).Where(l => l.Length > 0).ToList() : [];
        var regressed = baseline.Where(n => !passing.Contains(n)).ToList();
        Assert.True(regressed.Count == 0, "cases that passed before now fail: " + string.Join("; ",
            regressed.Select(n => $"{n}: {all.FirstOrDefault(r => r.Name == n)?.Detail ?? "missing"}")));
    }
}
