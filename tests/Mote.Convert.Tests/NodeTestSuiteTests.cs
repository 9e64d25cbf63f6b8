using System.Text.RegularExpressions;
using Mote.Convert.Tests.Support;
using Xunit.Abstractions;

namespace Mote.Convert.Tests;

/// <summary>Imports every model of the ONNX backend node tests: each must import or fail with <see cref="OnnxImportException"/>.</summary>
public sealed class NodeTestSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryNodeTestModelImportsOrFailsWithTypedException()
    {
        var dirs = Directory.GetDirectories(SharedData.NodeTests).Order(StringComparer.Ordinal).ToList();
        Assert.True(dirs.Count >= 1700, $"expected the 1,765 node tests, found {dirs.Count}");
        int imported = 0, rejected = 0;
        var reasons = new Dictionary<string, List<string>>();
        var crashes = new List<string>();
        var broken = new List<string>();
        foreach (var dir in dirs)
        {
            string file = Path.Combine(dir, "model.onnx");
            try
            {
                // The importer's own coverage: accept every operator Mote has an id for, whatever the runtime implements.
                var result = OnnxImporter.Import(file, new ConvertOptions { IsSupported = null });
                var problems = ModelCheck.Problems(result.Model);
                var passes = Passes.PassPipeline.CreateDefault().Run(result.Model);
                problems.AddRange(ModelCheck.Problems(result.Model).Select(p => "after passes: " + p));
                if (problems.Count > 0)
                    broken.Add($"{Path.GetFileName(dir)}: {string.Join("; ", problems.Take(3))}");
                imported++;
            }
            catch (OnnxImportException e)
            {
                rejected++;
                // Group by the kind of problem: drop quoted names and numbers.
                string key = Regex.Replace(e.Problem, @"'[^']*'|\d+|\(\d+ nodes?: [^)]*\)", "_");
                if (!reasons.TryGetValue(key, out var list))
                    reasons[key] = list = [];
                list.Add(Path.GetFileName(dir));
            }
            catch (Exception e)
            {
                crashes.Add($"{Path.GetFileName(dir)}: {e.GetType().Name}: {e.Message}");
            }
        }
        output.WriteLine($"node tests: {dirs.Count} models, {imported} imported, {rejected} rejected with OnnxImportException, {crashes.Count} crashed");
        foreach (var (key, list) in reasons.OrderByDescending(r => r.Value.Count))
            output.WriteLine($"  {list.Count,4} × {key}  e.g. {string.Join(", ", list.Take(3))}");
        foreach (var c in crashes)
            output.WriteLine("CRASH " + c);
        foreach (var b in broken)
            output.WriteLine("BROKEN " + b);
        Assert.Empty(crashes);
        Assert.Empty(broken);
        Assert.True(imported > 1400, $"only {imported} of {dirs.Count} node-test models imported");
    }
}
