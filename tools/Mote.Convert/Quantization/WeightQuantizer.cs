using Mote.Format;

namespace Mote.Convert.Quantization;

/// <summary>
/// Per-output-channel symmetric int8 weights: channel m (the first axis) gets scale <c>max|w_m| / 127</c> and zero point 0,
/// values <c>round(w / scale)</c> in [−127, 127] (−128 unused, so negating a weight never overflows). The bias joins the
/// int32 accumulator at scale <c>x_scale · w_scale[m]</c>.
/// </summary>
internal static class WeightQuantizer
{
    public static (sbyte[] Values, float[] Scales) Quantize(TensorDef w)
    {
        var values = TensorData.ToDoubles(w);
        int m = checked((int)w.FixedShape()[0]);
        int per = m == 0 ? 0 : values.Length / m;
        var q = new sbyte[values.Length];
        var scales = new float[m];
        for (int c = 0; c < m; c++)
        {
            var row = values.AsSpan(c * per, per);
            double amax = 0;
            foreach (double v in row)
                amax = Math.Max(amax, Math.Abs(v));
            float scale = amax > 0 ? (float)(amax / 127) : 1f;
            scales[c] = scale;
            for (int i = 0; i < per; i++)
                q[c * per + i] = (sbyte)Math.Clamp(Math.Round(row[i] / scale, MidpointRounding.ToEven), -127, 127);
        }
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
