using System.Text.Json;

namespace Mote.Cli.Reference;

/// <summary>
/// Where ONNX Runtime's time goes, per run, read from the trace its own profiler writes
/// (<c>SessionOptions.EnableProfiling</c>): kernel time per operator type and per node of its optimized graph
/// (node names and fused operators are ONNX Runtime's, e.g. NCHWc convolutions and layout reorders).
/// </summary>
internal sealed record OnnxRuntimeProfile(int Runs, OnnxRuntimeProfile.Op[] Ops, OnnxRuntimeProfile.Node[] Nodes)
{
    /// <summary>One operator type: how many nodes, milliseconds per run.</summary>
    public sealed record Op(string Name, int Nodes, double Ms);

    /// <summary>One node: milliseconds per run.</summary>
    public sealed record Node(string Name, string Op, double Ms);

    private const int KeptNodes = 20;

    /// <summary>Reads a trace (a JSON array of events); every <c>model_run</c> in it counts as a run.</summary>
    public static OnnxRuntimeProfile Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        int runs = 0;
        var nodes = new Dictionary<string, (string Op, double Us)>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string cat = e.TryGetProperty("cat", out var c) ? c.GetString() ?? "" : "";
            string name = e.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            if (cat == "Session" && name == "model_run")
                runs++;
            if (cat != "Node" || !name.EndsWith("_kernel_time", StringComparison.Ordinal))
                continue;
            string op = e.TryGetProperty("args", out var a) && a.TryGetProperty("op_name", out var o) ? o.GetString() ?? "?" : "?";
            double us = e.TryGetProperty("dur", out var d) ? d.GetDouble() : 0;
            string node = name[..^"_kernel_time".Length];
            nodes[node] = (op, (nodes.TryGetValue(node, out var prev) ? prev.Us : 0) + us);
        }
        runs = Math.Max(1, runs);
        var ops = nodes.Values.GroupBy(v => v.Op)
            .Select(g => new Op(g.Key, g.Count(), g.Sum(v => v.Us) / 1000 / runs)).OrderByDescending(o => o.Ms).ToArray();
        var slowest = nodes.Select(kv => new Node(kv.Key, kv.Value.Op, kv.Value.Us / 1000 / runs))
            .OrderByDescending(x => x.Ms).Take(KeptNodes).ToArray();
        return new OnnxRuntimeProfile(runs, ops, slowest);
    }

    /// <summary>Writes the profile as a JSON object property <c>profile</c>.</summary>
    public void Write(Utf8JsonWriter w)
    {
        w.WritePropertyName("profile");
        w.WriteStartObject();
        w.WriteNumber("runs", Runs);
        w.WriteStartArray("ops");
        foreach (var o in Ops)
        {
            w.WriteStartObject();
            w.WriteString("op", o.Name);
            w.WriteNumber("nodes", o.Nodes);
            w.WriteNumber("ms_per_run", o.Ms);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("nodes");
        foreach (var x in Nodes)
        {
            w.WriteStartObject();
            w.WriteString("name", x.Name);
            w.WriteString("op", x.Op);
            w.WriteNumber("ms_per_run", x.Ms);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The object <see cref="Write"/> wrote, from <paramref name="parent"/>'s <c>profile</c> property; null when absent.</summary>
    public static OnnxRuntimeProfile? FromJson(JsonElement parent)
    {
        if (!parent.TryGetProperty("profile", out var p))
            return null;
        var ops = p.GetProperty("ops").EnumerateArray()
            .Select(o => new Op(o.GetProperty("op").GetString()!, o.GetProperty("nodes").GetInt32(), o.GetProperty("ms_per_run").GetDouble())).ToArray();
        var nodes = p.GetProperty("nodes").EnumerateArray()
            .Select(x => new Node(x.GetProperty("name").GetString()!, x.GetProperty("op").GetString()!, x.GetProperty("ms_per_run").GetDouble())).ToArray();
        return new OnnxRuntimeProfile(p.GetProperty("runs").GetInt32(), ops, nodes);
    }
}
