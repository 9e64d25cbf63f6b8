using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Mote.Bench.OrtColdStart;

/// <summary>A float or float16 output as floats (null for other types).</summary>
internal static class Floats
{
    public static float[]? Of(OrtValue value) => value.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
        TensorElementType.Float16 => ToFloats(value.GetTensorDataAsSpan<Float16>()),
        _ => null,
    };

    private static float[] ToFloats(ReadOnlySpan<Float16> h)
    {
        var f = new float[h.Length];
        for (int i = 0; i < h.Length; i++)
            f[i] = (float)h[i];
        return f;
    }
}

/// <summary>The K largest values with their indices and labels ("index,label" lines), as <c>mote run --top K</c> prints them.</summary>
internal static class TopK
{
    public static void Print(float[] v, int k, string? labelFile)
    {
        var labels = labelFile is null ? null : File.ReadLines(labelFile).Select(l => l.Split(',', 2))
            .Where(p => p.Length == 2).ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => p[1]);
        int rank = 0;
        foreach (int i in Enumerable.Range(0, v.Length).OrderByDescending(i => v[i]).Take(k))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{++rank}  {i}  {v[i]:G6}  {labels?.GetValueOrDefault(i) ?? ""}"));
    }
}
