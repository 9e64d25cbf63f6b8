using Mote.Format;
using Mote.Kernels;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// Runs one quantization node through real sessions in every configuration that must agree bit for bit: the
/// detected kernels with 1 and 3 threads, the scalar reference kernels (<see cref="CpuFeatures.None"/>), and
/// every input a constant (evaluated while planning). Inputs marked constant stay constants throughout (weights,
/// so that packing at load is exercised); null inputs are omitted.
/// </summary>
internal static class QuantRunner
{
    public static Tensor[] Run(OpType op, NnInput?[] inputs, int outputs = 1, params AttributeDef[] attributes)
    {
        var configs = new (bool Fold, SessionOptions Options, string What)[]
        {
            (false, new SessionOptions(), "detected kernels, 1 thread"),
            (false, new SessionOptions { Threads = 3 }, "detected kernels, 3 threads"),
            (false, new SessionOptions { Features = CpuFeatures.None }, "reference kernels"),
            (true, new SessionOptions(), "folded"),
        };
        Tensor[]? first = null;
        foreach (var (fold, options, what) in configs)
        {
            var r = NnRunner.RunOnce(op, inputs, outputs, attributes, fold, options);
            if (first is null)
                first = r;
            else
                for (int k = 0; k < outputs; k++)
                    OpRunner.AssertSame(first[k], r[k], $"{op} output {k}: {what} vs {configs[0].What}");
        }
        return first!;
    }

    public static Tensor Single(OpType op, NnInput?[] inputs, params AttributeDef[] attributes) => Run(op, inputs, 1, attributes)[0];

    /// <summary>Runs with every input fed at run time and returns the error the run raises.</summary>
    public static MoteException Fails(OpType op, NnInput?[] inputs, params AttributeDef[] attributes)
    {
        var e = Assert.ThrowsAny<MoteException>(() => NnRunner.RunOnce(op, inputs, 1, attributes, fold: false, new SessionOptions()));
        return e;
    }

    public static NnInput Live(Tensor t) => new(t);

    public static NnInput Const(Tensor t) => new(t, Constant: true);
}
