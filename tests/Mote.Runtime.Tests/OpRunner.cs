using System.Runtime.InteropServices;
using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>One input of a single-node test model: null for an omitted optional; <c>Constant</c> keeps it a constant even in run-time mode.</summary>
internal sealed record OpInput(Tensor? Value, bool Constant = false)
{
    public static implicit operator OpInput(Tensor t) => new(t);
}

/// <summary>
/// Runs one operator node through a real <see cref="InferenceSession"/>: either with the
/// non-constant inputs as graph inputs (executed when the model runs) or with every input a
/// constant (evaluated while planning).
/// </summary>
internal static class OpRunner
{
    public static Tensor[] Run(OpType op, OpInput[] inputs, int outputs, bool fold, params AttributeDef[] attributes)
    {
        var model = new ModelDef();
        var names = new string[inputs.Length];
        var feeds = new List<NamedTensor>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i].Value;
            if (t is null)
            {
                names[i] = "";
                continue;
            }
            names[i] = $"in{i}";
            var shape = t.Shape.ToArray().Select(d => (Dim)d).ToArray();
            if (fold || inputs[i].Constant)
                model.Add(new TensorDef(names[i], t.Type, shape, t.Memory.ToArray()));
            else
            {
                model.Add(new TensorDef(names[i], t.Type, shape));
                model.Graph.Inputs.Add(names[i]);
                feeds.Add(new NamedTensor(names[i], t));
            }
        }
        var outNames = Enumerable.Range(0, outputs).Select(k => $"out{k}").ToArray();
        // Declared with no type: the session returns whatever type the node produces.
        foreach (var n in outNames)
            model.Add(new TensorDef(n, DataType.Undefined, null));
        model.Graph.Outputs.AddRange(outNames);
        model.Graph.Nodes.Add(new NodeDef(op, "node", names, outNames, attributes));
        using var session = MoteModel.FromDefinition(model).CreateSession();
        var result = session.Run(feeds);
        return outNames.Select(n => result[n]).ToArray();
    }

    /// <summary>Runs at run time and folded, asserts both give identical results, returns them.</summary>
    public static Tensor[] RunBoth(OpType op, OpInput[] inputs, int outputs, params AttributeDef[] attributes)
    {
        var live = Run(op, inputs, outputs, fold: false, attributes);
        var folded = Run(op, inputs, outputs, fold: true, attributes);
        for (int k = 0; k < outputs; k++)
            AssertSame(live[k], folded[k], $"output {k} folded vs run time");
        return live;
    }

    public static Tensor Single(OpType op, OpInput[] inputs, params AttributeDef[] attributes) => RunBoth(op, inputs, 1, attributes)[0];

    /// <summary>Same type, shape and bytes.</summary>
    public static void AssertSame(Tensor expected, Tensor actual, string what = "")
    {
        Assert.True(expected.Type == actual.Type, $"{what}: type {actual.Type} != {expected.Type}");
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual} != {expected}");
        var e = expected.Memory.Span;
        var a = actual.Memory.Span;
        for (int i = 0; i < e.Length; i++)
            if (e[i] != a[i])
                Assert.Fail($"{what}: byte {i} (element {i / expected.Type.Size()}) differs: {a[i]} != {e[i]} for {expected}");
    }

    /// <summary>Floats within a tolerance (|e - a| ≤ tol·(1 + |e|)).</summary>
    public static void AssertClose(float[] expected, Tensor actual, float tol, string what = "")
    {
        var a = actual.ToArray<float>();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            if (!(Math.Abs(expected[i] - a[i]) <= tol * (1 + Math.Abs(expected[i]))) && !(float.IsNaN(expected[i]) && float.IsNaN(a[i])))
                Assert.Fail($"{what}: element {i} is {a[i]}, expected {expected[i]}");
    }
}

/// <summary>Naive N-dimensional index helpers for writing references from the spec.</summary>
internal static class Nd
{
    public static long Count(int[] shape) => shape.Aggregate(1L, (a, d) => a * d);

    public static int Offset(int[] index, int[] shape)
    {
        int o = 0;
        for (int d = 0; d < shape.Length; d++)
            o = o * shape[d] + index[d];
        return o;
    }

    /// <summary>Every multi-index of <paramref name="shape"/> in row-major order (a fresh array each).</summary>
    public static IEnumerable<int[]> All(int[] shape)
    {
        if (shape.Any(d => d == 0))
            yield break;
        var i = new int[shape.Length];
        while (true)
        {
            yield return (int[])i.Clone();
            int d = shape.Length - 1;
            for (; d >= 0; d--)
            {
                if (++i[d] < shape[d])
                    break;
                i[d] = 0;
            }
            if (d < 0)
                yield break;
        }
    }

    /// <summary>
    /// Builds the expected tensor of a data-movement operator: output element at each index is
    /// the input element at <paramref name="source"/>(index), or <paramref name="fill"/> when it returns null.
    /// </summary>
    public static Tensor Map(Tensor x, int[] outShape, Func<int[], int[]?> source, byte[]? fill = null)
    {
        int es = x.Type.Size();
        var y = Tensor.Zeros(x.Type, outShape);
        var src = x.Memory.Span;
        var dst = y.Memory.Span;
        var inShape = x.Shape.ToArray();
        int k = 0;
        foreach (var idx in All(outShape))
        {
            var s = source(idx);
            if (s is null)
                fill?.CopyTo(dst.Slice(k * es, es));
            else
                src.Slice(Offset(s, inShape) * es, es).CopyTo(dst.Slice(k * es, es));
            k++;
        }
        return y;
    }

    /// <summary>A tensor of distinct-ish values of any element type (bool alternates irregularly).</summary>
    public static Tensor Random(DataType type, int[] shape, int seed = 1)
    {
        var t = Tensor.Zeros(type, shape);
        var rng = new System.Random(seed);
        var b = t.Memory.Span;
        int n = (int)Count(shape);
        for (int i = 0; i < n; i++)
        {
            int v = rng.Next(-1000, 1000);
            switch (type)
            {
                case DataType.Float32: MemoryMarshal.Cast<byte, float>(b)[i] = v * 0.25f; break;
                case DataType.Float64: MemoryMarshal.Cast<byte, double>(b)[i] = v * 0.125; break;
                case DataType.Int64: MemoryMarshal.Cast<byte, long>(b)[i] = v * 1_000_003L; break;
                case DataType.Int32: MemoryMarshal.Cast<byte, int>(b)[i] = v * 31; break;
                case DataType.Int16: MemoryMarshal.Cast<byte, short>(b)[i] = (short)(v * 17); break;
                case DataType.UInt8: b[i] = (byte)v; break;
                case DataType.Int8: b[i] = (byte)(sbyte)(v % 128); break;
                case DataType.Bool: b[i] = (byte)(v > 0 ? 1 : 0); break;
                default: throw new NotSupportedException(type.ToString());
            }
        }
        return t;
    }

    /// <summary>Element types of every size the data-movement operators must handle.</summary>
    public static readonly DataType[] MoveTypes = [DataType.Float32, DataType.Int64, DataType.Bool, DataType.UInt8, DataType.Int16, DataType.Float64];

    public static Tensor Ints(params long[] v) => Tensor.FromArray(v, v.Length);

    public static Tensor Floats(float[] v, params int[] shape) => Tensor.FromArray(v, shape);

    public static OpInput Const(Tensor t) => new(t, Constant: true);

    public static AttributeDef Attr(string name, long v) => AttributeDef.FromInt(name, v);

    public static AttributeDef Attr(string name, float v) => AttributeDef.FromFloat(name, v);

    public static AttributeDef Attr(string name, string v) => AttributeDef.FromString(name, v);

    public static AttributeDef AttrInts(string name, params long[] v) => AttributeDef.FromInts(name, v);
}
