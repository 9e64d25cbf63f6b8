using Mote.Format;
using Mote.Runtime;
using Mote.Runtime.Planning;

namespace Mote.Convert.Passes;

/// <summary>
/// Fills in the type and shape of every tensor, with symbolic dimensions, using the runtime's own
/// shape rules (one implementation for converter and runtime). Symbols are resolved by planning the
/// graph twice with different probe values per input symbol: a dimension equal in both probes is
/// fixed, one that follows a symbol's probes is that symbol (or a multiple/fraction of it, or a
/// product of two symbols), anything else becomes a fresh symbol.
/// </summary>
public sealed class InferShapes : IGraphPass
{
    /// <inheritdoc/>
    public string Name => "InferShapes";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        var inputs = model.Graph.Inputs.Where(n => !model.Tensor(n).IsConstant).Select(model.Tensor).ToList();
        if (inputs.Any(t => t.Shape is null))
        {
            report.Messages.Add("skipped: an input has unknown rank");
            return;
        }
        if (inputs.Any(t => t.Shape!.Any(d => d.IsFixed && d.Value > int.MaxValue)))
        {
            report.Messages.Add("skipped: an input dimension exceeds what the runtime can hold");
            return;
        }
        var symbols = inputs.SelectMany(t => t.Shape!).Where(d => !d.IsFixed).Select(d => d.Symbol!).Distinct().ToList();
        using var mote = MoteModel.FromDefinition(model);
        InferenceSession session;
        try
        {
            session = mote.CreateSession(new SessionOptions { Features = Mote.Kernels.CpuFeatures.None });
        }
        catch (MoteException e)
        {
            // The runtime cannot build this model (it will say so again when loaded); shapes stay as imported.
            report.Messages.Add("skipped: " + e.Message);
            return;
        }
        using var _ = session;
        var failures = new List<string>();
        var probe1 = Probe(session, inputs, symbols, 0, failures);
        var probe2 = symbols.Count == 0 ? probe1 : Probe(session, inputs, symbols, 1, failures);
        foreach (var f in failures.Distinct().Take(5))
            report.Messages.Add("shape unknown after " + f);

        var values = session.Graph.Values;
        int fresh = 0, filled = 0;
        for (int id = 0; id < values.Length; id++)
        {
            var s1 = probe1.Shapes[id];
            var s2 = probe2.Shapes[id];
            if (s1 is null || s2 is null || s1.Length != s2.Length || values[id].Kind == Mote.Runtime.Graph.ValueKind.Constant)
                continue;
            var name = values[id].Name;
            if (!model.Tensors.TryGetValue(name, out var def))
                def = model.Add(new TensorDef(name, DataType.Undefined, null));
            if (def.Type == DataType.Undefined)
                def.Type = probe1.Types[id];
            var dims = new Dim[s1.Length];
            for (int k = 0; k < dims.Length; k++)
                dims[k] = Derive(s1[k], s2[k], symbols, ref fresh);
            if (def.Shape is null || !def.Shape.SequenceEqual(dims))
                filled++;
            def.Shape = KeepDeclaredNames(def.Shape, dims);
        }
        report.Count("tensor shapes inferred", filled);
    }

    /// <summary>Probe value of symbol <paramref name="k"/> in probe run <paramref name="run"/>: distinct per symbol within a run, multiples of 32 so that strided/upsampled image sizes stay consistent.</summary>
    internal static int ProbeValue(int k, int run) => 32 * (7 + 4 * run + 2 * k);

    private static ExecutionPlan Probe(InferenceSession session, List<TensorDef> inputs, List<string> symbols, int run, List<string> failures)
    {
        var shapes = inputs.Select(t => t.Shape!.Select(d => d.IsFixed ? checked((int)d.Value) : ProbeValue(symbols.IndexOf(d.Symbol!), run)).ToArray()).ToArray();
        return session.PlanTolerant(shapes, failures);
    }

    private static Dim Derive(int d1, int d2, List<string> symbols, ref int fresh)
    {
        if (d1 == d2)
            return Dim.Fixed(d1);
        // d = c·S or d = c·S·T with a rational c that fits both probes.
        for (int a = 0; a < symbols.Count; a++)
        {
            long p1 = ProbeValue(a, 0), p2 = ProbeValue(a, 1);
            if ((long)d1 * p2 == (long)d2 * p1)
                return Dim.Symbolic(Scaled(symbols[a], d1, p1));
            for (int b = a; b < symbols.Count; b++)
            {
                long q1 = p1 * ProbeValue(b, 0), q2 = p2 * ProbeValue(b, 1);
                if ((long)d1 * q2 == (long)d2 * q1)
                    return Dim.Symbolic(Scaled($"{symbols[a]}*{symbols[b]}", d1, q1));
            }
        }
        return Dim.Symbolic($"unk_{fresh++}");
    }

    /// <summary><c>S</c>, <c>S*2</c>, <c>S/4</c> or <c>S*3/2</c> for d = (num/den)·S.</summary>
    private static string Scaled(string symbol, long num, long den)
    {
        long g = Gcd(num, den);
        num /= g;
        den /= g;
        return (num, den) switch
        {
            (1, 1) => symbol,
            (_, 1) => $"{symbol}*{num}",
            (1, _) => $"{symbol}/{den}",
            _ => $"{symbol}*{num}/{den}",
        };
    }

    private static long Gcd(long a, long b) => b == 0 ? Math.Abs(a) : Gcd(b, a % b);

    /// <summary>Where the model declared a named dimension the inference could only call fresh, keep the model's name.</summary>
    private static Dim[] KeepDeclaredNames(Dim[]? declared, Dim[] inferred)
    {
        if (declared is null || declared.Length != inferred.Length)
            return inferred;
        for (int k = 0; k < inferred.Length; k++)
            if (!declared[k].IsFixed && inferred[k].Symbol?.StartsWith("unk_", StringComparison.Ordinal) == true)
                inferred[k] = declared[k];
        return inferred;
    }
}
