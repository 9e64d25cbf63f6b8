using Mote.Format;

namespace Mote.Convert.Quantization;

/// <summary>
/// Per-output-channel symmetric int8 weights: channel m (the first axis) gets scale <c>max|w_m| / 127</c> and zero point 0,
/// values <c>round(w / scale)</c> in [−127, 127] (−128 unused, so negating a weight never overflows). The bias joins the
/// int32 accumulator at scale <c>x_scale · w_scale[m]</c>.
/// </summary>
internal static class WeightQuantizer
{
    /// <summary>
    /// Per output channel: the first axis (convolution weights [M, C, kh, kw]), or with <paramref name="perColumn"/> the
    /// last axis of a [K, N] matrix (MatMul weights, one scale per output column).
    /// </summary>
    public static (sbyte[] Values, float[] Scales) Quantize(TensorDef w, bool perColumn = false)
    {
        var values = TensorData.ToDoubles(w);
        var shape = w.FixedShape();
        int channels = checked((int)(perColumn ? shape[^1] : shape[0]));
        int per = channels == 0 ? 0 : values.Length / channels;
        int Channel(int i) => perColumn ? i % channels : i / per;
        var amax = new double[channels];
        for (int i = 0; i < values.Length; i++)
            amax[Channel(i)] = Math.Max(amax[Channel(i)], Math.Abs(values[i]));
        var scales = amax.Select(a => a > 0 ? (float)(a / 127) : 1f).ToArray();
        var q = new sbyte[values.Length];
        for (int i = 0; i < values.Length; i++)
            q[i] = (sbyte)Math.Clamp(Math.Round(values[i] / scales[Channel(i)], MidpointRounding.ToEven), -127, 127);
        return (q, scales);
    }

    public static int[] Bias(TensorDef? b, int m, float xScale, float[] wScales)
    {
        var result = new int[m];
        if (b is null)
            return result;
        var values = TensorData.ToDoubles(b);
        for (int c = 0; c < m; c++)
            result[c] = (int)Math.Clamp(Math.Round(values[c] / ((double)xScale * wScales[c]), MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        return result;
    }
}
