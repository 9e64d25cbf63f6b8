using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>
/// Recognizes GELU written out with elementary operators and replaces it by one Gelu node:
/// <c>x·0.5·(1 + Erf(x/√2))</c> (the argument as <c>Div(x, √2)</c> or <c>Mul(x, 1/√2)</c>) becomes
/// Gelu, and <c>x·0.5·(1 + Tanh(√(2/π)·(x + 0.044715·x³)))</c> (x³ as <c>Pow(x, 3)</c> or two Muls)
/// becomes Gelu approximate="tanh". The three factors x, 0.5 and (1 + …) may be multiplied in any
/// association and order, the half also as a division by 2. Constants must equal those values at
/// float32 precision.
/// </summary>
public sealed class FuseGelu : IGraphPass
{
    private const double Sqrt2 = 1.4142135623730951;
    private const double SqrtTwoOverPi = 0.79788456080286536;
    private const double CubicCoefficient = 0.044715;

    /// <inheritdoc/>
    public string Name => "FuseGelu";

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        foreach (var (graph, _) in GraphIndex.Graphs(model.Graph).ToList())
        {
            var p = new Pattern(graph, new GraphIndex(model));
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                var node = graph.Nodes[i];
                var m = node.Op switch
                {
                    OpType.Erf => MatchErf(node, p),
                    OpType.Tanh => MatchTanh(node, p),
                    _ => null,
                };
                if (m is null)
                    continue;
                if (!p.TryReplace(m.Value.Nodes, m.Value.Fused))
                {
                    report.Messages.Add($"skipped the GELU around {node.Describe()}: an intermediate value is used elsewhere");
                    continue;
                }
                report.Count(node.Op == OpType.Erf ? "Gelu patterns fused" : "Gelu (tanh) patterns fused");
                i = graph.Nodes.IndexOf(m.Value.Fused);
                p = new Pattern(graph, new GraphIndex(model));
            }
        }
    }

    /// <summary><c>Erf(x/√2)</c> or <c>Erf(x·(1/√2))</c>, then the common tail.</summary>
    private static (List<NodeDef> Nodes, NodeDef Fused)? MatchErf(NodeDef erf, Pattern p)
    {
        if (p.Producer(erf.Input(0), OpType.Div, OpType.Mul) is not { } scale)
            return null;
        string? x = scale.Op == OpType.Div
            ? p.Scalar(scale.Input(1)) is { } c && Pattern.NearlyEqual(c, Sqrt2) ? scale.Input(0) : null
            : p.ConstantOperand(scale, 1 / Sqrt2)?.Other;
        return x is null ? null : Tail(x, erf, [scale, erf], p, "none");
    }

    /// <summary><c>Tanh(√(2/π)·(x + 0.044715·x³))</c>, then the common tail.</summary>
    private static (List<NodeDef> Nodes, NodeDef Fused)? MatchTanh(NodeDef tanh, Pattern p)
    {
        if (p.Producer(tanh.Input(0), OpType.Mul) is not { } outer || p.ConstantOperand(outer, SqrtTwoOverPi) is not { } k
            || p.Producer(k.Other, OpType.Add) is not { } sum || sum.Inputs.Count != 2)
            return null;
        for (int side = 0; side < 2; side++)
        {
            string x = sum.Inputs[side];
            if (p.Producer(sum.Inputs[1 - side], OpType.Mul) is not { } scaled || p.ConstantOperand(scaled, CubicCoefficient) is not { } c
                || Cube(c.Other, x, p) is not { } cube)
                continue;
            return Tail(x, tanh, [outer, sum, scaled, .. cube, tanh], p, "tanh");
        }
        return null;
    }

    /// <summary>The nodes computing x³ from <paramref name="x"/> as Pow(x, 3), Mul(x, Mul(x, x)) or Mul(Mul(x, x), x); null otherwise.</summary>
    private static NodeDef[]? Cube(string tensor, string x, Pattern p)
    {
        if (p.Producer(tensor, OpType.Pow) is { } pow)
            return pow.Input(0) == x && p.Scalar(pow.Input(1)) == 3 ? [pow] : null;
        if (p.Producer(tensor, OpType.Mul) is not { } mul || Pattern.Other(mul, x) is not { } sq
            || p.Producer(sq, OpType.Mul) is not { } square || square.Inputs is not [var a, var b] || a != x || b != x)
            return null;
        return [mul, square];
    }

    /// <summary>
    /// From the Erf or Tanh node on: <c>a = 1 + f</c>, then x·0.5·a as Mul(Mul(x, a), ½), Mul(Mul(a, ½), x)
    /// or Mul(Mul(x, ½), a), each Mul in either order and ½ also as Div(·, 2).
    /// </summary>
    private static (List<NodeDef> Nodes, NodeDef Fused)? Tail(string x, NodeDef f, List<NodeDef> nodes, Pattern p, string approximate)
    {
        string fx = f.Outputs[0];
        if (p.Reader(fx, OpType.Add) is not { } plusOne || p.ConstantOperand(plusOne, 1) is not { } one || one.Other != fx)
            return null;
        string a = plusOne.Outputs[0];
        if (p.Reader(a, OpType.Mul) is not { } m1 || Pattern.Other(m1, a) is not { } other)
            return null;
        nodes.AddRange([plusOne, m1]);
        string y;
        if (other == x)
        {
            // Mul(Mul(x, a), ½)
            if (p.Reader(m1.Outputs[0], OpType.Mul, OpType.Div) is not { } m2 || !Halves(m2, m1.Outputs[0], p))
                return null;
            nodes.Add(m2);
            y = m2.Outputs[0];
        }
        else if (p.Scalar(other) == 0.5)
        {
            // Mul(Mul(a, ½), x)
            if (p.Reader(m1.Outputs[0], OpType.Mul) is not { } m2 || Pattern.Other(m2, m1.Outputs[0]) != x)
                return null;
            nodes.Add(m2);
            y = m2.Outputs[0];
        }
        else if (p.Producer(other, OpType.Mul, OpType.Div) is { } half && Halves(half, x, p))
        {
            // Mul(Mul(x, ½), a)
            nodes.Add(half);
            y = m1.Outputs[0];
        }
        else
            return null;
        if (p.Type(x) is not (DataType.Float32 or DataType.Float64) || p.Shape(x) is not { } shape || !p.ConstantsFit(nodes, shape.Length))
            return null;
        var attrs = approximate == "none" ? Array.Empty<AttributeDef>() : [AttributeDef.FromString("approximate", approximate)];
        var fused = new NodeDef(OpType.Gelu, f.Name.Length > 0 ? f.Name + ".gelu" : "", [x], [y], attrs);
        return (nodes, fused);
    }

    /// <summary>True when <paramref name="node"/> is Mul(<paramref name="tensor"/>, 0.5) in either order or Div(<paramref name="tensor"/>, 2).</summary>
    private static bool Halves(NodeDef node, string tensor, Pattern p) => node.Op switch
    {
        OpType.Mul => p.ConstantOperand(node, 0.5)?.Other == tensor,
        OpType.Div => node.Input(0) == tensor && p.Scalar(node.Input(1)) == 2,
        _ => false,
    };
}
