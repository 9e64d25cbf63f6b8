using System.Globalization;
using Mote.Convert;
using Mote.Convert.Passes;
using Mote.Format;

namespace Mote.Bench.Shapes;

/// <summary>
/// <c>--gemm-shapes MODEL.onnx [SYMBOL=VALUE …]</c>: converts a model the way <c>mote convert</c> does, fixes its
/// symbolic input dimensions, infers every tensor's shape and prints the GEMM each Conv / Gemm / MatMul node
/// becomes (M × K × N, the way the runtime calls the kernel), largest first. This is where the benchmark
/// shapes in <see cref="Gemm.GemmShapes"/> and <see cref="Convolution.ConvShapes"/> come from.
/// </summary>
internal static class ModelGemmShapes
{
    /// <summary>One node's product: <paramref name="Count"/> GEMMs of M×K×N (groups × images, or MatMul batch).</summary>
    private sealed record Product(string Node, OpType Op, string Detail, int M, int K, int N, long Count)
    {
        public double Flops => 2.0 * M * K * N * Count;
    }

    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: --gemm-shapes MODEL.onnx [SYMBOL=VALUE …] [--top N]");
            return 2;
        }
        int top = 25;
        var fixedDims = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--top" && i + 1 < args.Length)
                top = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i].Split('=') is [var name, var value])
                fixedDims[name] = long.Parse(value, CultureInfo.InvariantCulture);
        }
        var model = Converter.Convert(args[0]).Model;
        try
        {
            FixInputs(model, fixedDims);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        new InferShapes().Run(model, new PassReport("InferShapes"));

        var products = model.Graph.Nodes.Select(n => Describe(model, n)).OfType<Product>().ToList();
        double total = products.Sum(p => p.Flops);
        Console.WriteLine($"{Path.GetFileName(args[0])}: inputs {string.Join(", ", model.Graph.Inputs.Where(n => !model.Tensor(n).IsConstant).Select(n => model.Tensor(n)))}");
        Console.WriteLine($"{products.Count} GEMM-shaped nodes, {total / 1e9:F3} GFLOP per run; largest first (count = GEMM calls of that size per node):");
        Console.WriteLine($"{"M",6} {"K",6} {"N",7} {"count",6} {"MFLOP",9} {"share",6}  op / detail / node");
        foreach (var p in products.OrderByDescending(p => p.Flops).Take(top))
            Console.WriteLine($"{p.M,6} {p.K,6} {p.N,7} {p.Count,6} {p.Flops / 1e6,9:F1} {p.Flops / total,6:P1}  {p.Op} {p.Detail} {p.Node}");
        return 0;
    }

    private static void FixInputs(ModelDef model, Dictionary<string, long> dims)
    {
        foreach (var name in model.Graph.Inputs)
        {
            var t = model.Tensor(name);
            if (t.IsConstant || t.Shape is null)
                continue;
            var unknown = t.Shape.Where(d => !d.IsFixed && !dims.ContainsKey(d.Symbol!)).Select(d => d.Symbol).ToList();
            if (unknown.Count > 0)
                throw new ArgumentException($"input {t}: give a value for {string.Join(", ", unknown)} (SYMBOL=VALUE)");
            t.Shape = t.Shape.Select(d => d.IsFixed ? d : Dim.Fixed(dims[d.Symbol!])).ToArray();
        }
    }

    private static Product? Describe(ModelDef model, NodeDef node)
    {
        long[]? Shape(int i) => node.Input(i) is { Length: > 0 } n && model.Tensors.TryGetValue(n, out var t) && t.HasFixedShape ? t.FixedShape() : null;
        long[]? OutShape() => model.Tensors.TryGetValue(node.Outputs[0], out var t) && t.HasFixedShape ? t.FixedShape() : null;
        long Int(string name, long fallback) => node.Attribute(name) is { } a ? a.Int : fallback;

        switch (node.Op)
        {
            case OpType.Conv when Shape(0) is { } x && Shape(1) is { } w && OutShape() is { } y:
            {
                long group = Int("group", 1);
                long spatialOut = y.Skip(2).Aggregate(1L, (a, d) => a * d);
                long kernel = w.Skip(2).Aggregate(1L, (a, d) => a * d);
                string kind = group > 1 && w[1] == 1 ? "depthwise" : kernel == 1 ? "1x1" : $"{string.Join("x", w.Skip(2))}";
                var strides = node.Attribute("strides")?.Ints;
                string detail = $"{kind}{(strides is { } s && s.Any(v => v != 1) ? $" s{s[0]}" : "")} x[{string.Join(",", x)}] -> [{string.Join(",", y)}]{(group > 1 ? $" g{group}" : "")}";
                return new Product(node.Name, node.Op, detail, (int)(w[0] / group), (int)(w[1] * kernel), (int)spatialOut, group * x[0]);
            }
            case OpType.Gemm when Shape(0) is { } a && Shape(1) is { } b:
            {
                bool ta = Int("transA", 0) != 0, tb = Int("transB", 0) != 0;
                long m = ta ? a[1] : a[0], k = ta ? a[0] : a[1], n = tb ? b[0] : b[1];
                bool constB = model.Tensor(node.Input(1)).IsConstant;
                return new Product(node.Name, node.Op, constB ? "constant B" : "", (int)m, (int)k, (int)n, 1);
            }
            case OpType.MatMul when Shape(0) is { Length: >= 1 } a && Shape(1) is { Length: >= 1 } b && OutShape() is { } y:
            {
                long k = a[^1], n = b.Length == 1 ? 1 : b[^1];
                long m = a.Length == 1 ? 1 : a[^2];
                long batch = y.Length <= 2 ? 1 : y[..^2].Aggregate(1L, (p, d) => p * d);
                bool constB = model.Tensor(node.Input(1)).IsConstant;
                // A constant 2-D B with a batched A is one GEMM with the batch folded into M.
                if (constB && b.Length == 2)
                    (m, batch) = (m * batch, 1);
                return new Product(node.Name, node.Op, constB ? "constant B" : "", (int)m, (int)k, (int)n, batch);
            }
            default:
                return null;
        }
    }
}
