using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Mote.Bench.OrtColdStart;

/// <summary>Random inputs as <c>mote run --random-inputs</c> makes them: floats uniform in [0, 1), integers in [0, 2).</summary>
internal static class RandomInput
{
    public static OrtValue Create(TensorElementType type, long[] shape, Random rng)
    {
        long count = shape.Aggregate(1L, (a, d) => a * d);
        return type switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(Fill(count, () => rng.NextSingle()), shape),
            TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(Fill(count, () => (Float16)rng.NextSingle()), shape),
            TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(Fill(count, () => rng.NextInt64(2)), shape),
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(Fill(count, () => rng.Next(2)), shape),
            _ => throw new NotSupportedException($"random {type} input"),
        };
    }

    private static T[] Fill<T>(long count, Func<T> next) where T : unmanaged
    {
        var a = new T[count];
        for (long i = 0; i < count; i++)
            a[i] = next();
        return a;
    }
}
