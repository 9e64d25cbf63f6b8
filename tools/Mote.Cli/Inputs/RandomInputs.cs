using Mote.Format;
using Mote.Runtime;

namespace Mote.Cli.Inputs;

/// <summary>Deterministic random data for inputs the user did not supply.</summary>
public static class RandomInputs
{
    /// <summary>Random integers are drawn from [0, this) unless a caller asks otherwise: small enough to be valid indices and flags.</summary>
    public const int DefaultIntRange = 2;

    /// <summary>
    /// A tensor for <paramref name="input"/> with symbolic dimensions taken from <paramref name="dims"/>
    /// (default 1): floats uniform in [0,1), integers in [0,<paramref name="intRange"/>), booleans random.
    /// </summary>
    public static Tensor Create(TensorInfo input, IReadOnlyDictionary<string, int> dims, Random rng, int intRange = DefaultIntRange)
    {
        var shape = input.Shape.Select(d => d.IsFixed ? checked((int)d.Value) : dims.GetValueOrDefault(d.Symbol!, 1)).ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);
        var t = Tensor.Zeros(input.Type, shape);
        switch (input.Type)
        {
            case DataType.Float32: Fill(t.AsSpan<float>(), () => rng.NextSingle()); break;
            case DataType.Float16: Fill(t.AsSpan<Half>(), () => (Half)rng.NextSingle()); break;
            case DataType.Float64: Fill(t.AsSpan<double>(), rng.NextDouble); break;
            case DataType.Int64: Fill(t.AsSpan<long>(), () => rng.NextInt64(intRange)); break;
            case DataType.Int32: Fill(t.AsSpan<int>(), () => rng.Next(intRange)); break;
            case DataType.Int8: Fill(t.AsSpan<sbyte>(), () => (sbyte)rng.Next(-128, 128)); break;
            case DataType.UInt8: Fill(t.AsSpan<byte>(), () => (byte)rng.Next(256)); break;
            case DataType.Bool: Fill(t.AsSpan<bool>(), () => rng.Next(2) == 1); break;
            default: throw new MoteInputException($"cannot make random data for input '{input.Name}' of type {input.Type.ShortName()}");
        }
        return t;
    }

    private static void Fill<T>(Span<T> s, Func<T> next)
    {
        for (int i = 0; i < s.Length; i++)
            s[i] = next();
    }
}
