using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StbImageSharp;

namespace Mote.Bench.OrtColdStart;

/// <summary>
/// An image as an NCHW input, the way <c>mote run --input NAME=IMAGE</c> builds it: decoded with StbImageSharp,
/// resized bilinearly (half-pixel centres) to the input's H×W, 0–255 values, RGB or BGR.
/// </summary>
internal static class ImageInput
{
    public static OrtValue Load(string path, TensorElementType type, long[] shape, bool bgr)
    {
        if (shape is not [1, 3, var hl, var wl])
            throw new NotSupportedException($"image input of shape [{string.Join(",", shape)}]");
        int h = (int)hl, w = (int)wl;
        var image = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);
        var data = new float[3 * h * w];
        float sy = (float)image.Height / h, sx = (float)image.Width / w;
        for (int y = 0; y < h; y++)
        {
            float fy = Math.Clamp((y + 0.5f) * sy - 0.5f, 0, image.Height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, image.Height - 1);
            float wy = fy - y0;
            for (int x = 0; x < w; x++)
            {
                float fx = Math.Clamp((x + 0.5f) * sx - 0.5f, 0, image.Width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, image.Width - 1);
                float wx = fx - x0;
                for (int c = 0; c < 3; c++)
                {
                    int src = bgr ? 2 - c : c;
                    float p00 = image.Data[(y0 * image.Width + x0) * 3 + src], p01 = image.Data[(y0 * image.Width + x1) * 3 + src];
                    float p10 = image.Data[(y1 * image.Width + x0) * 3 + src], p11 = image.Data[(y1 * image.Width + x1) * 3 + src];
                    data[(c * h + y) * w + x] = (p00 * (1 - wx) + p01 * wx) * (1 - wy) + (p10 * (1 - wx) + p11 * wx) * wy;
                }
            }
        }
        return type switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(data, shape),
            TensorElementType.Float16 => OrtValue.CreateTensorValueFromMemory(data.Select(v => (Float16)v).ToArray(), shape),
            _ => throw new NotSupportedException($"image input of type {type}"),
        };
    }
}
