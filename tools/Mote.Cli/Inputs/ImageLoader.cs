using Mote.Format;
using Mote.Runtime;
using StbImageSharp;

namespace Mote.Cli.Inputs;

/// <summary>Decodes an image, resizes it bilinearly to a model input's H×W and lays it out as NCHW or NHWC.</summary>
public static class ImageLoader
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga"];

    /// <summary>True when the path names an image file by its extension.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// Loads <paramref name="path"/> for an input of shape [1,C,H,W] (or [1,H,W,C] when the last
    /// dimension is 1 or 3 and the second is not) with C = 1 (grey) or 3.
    /// </summary>
    /// <exception cref="MoteInputException">The input's shape is not an image shape, or the file cannot be decoded.</exception>
    public static Tensor Load(string path, TensorInfo input, IReadOnlyDictionary<string, int> dims, ImageOptions options)
    {
        var shape = input.Shape.Select(d => d.IsFixed ? (int)d.Value : dims.GetValueOrDefault(d.Symbol!, -1)).ToArray();
        if (shape.Length != 4)
            throw new MoteInputException($"input '{input.Name}' {Dim.Format(input.Shape)} is not an image tensor (rank 4 expected)");
        bool nhwc = shape[3] is 1 or 3 && shape[1] is not (1 or 3);
        int c = nhwc ? shape[3] : shape[1], h = nhwc ? shape[1] : shape[2], w = nhwc ? shape[2] : shape[3];
        if (c is not (1 or 3) || h <= 0 || w <= 0)
            throw new MoteInputException($"input '{input.Name}' {Dim.Format(input.Shape)}: cannot tell the image size; give symbolic dimensions with --dim NAME=VALUE");
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(File.ReadAllBytes(path), c == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new MoteInputException($"{path}: cannot decode image ({e.Message})");
        }
        var data = new float[c * h * w];
        Resample(image, c, h, w, options, nhwc, data);
        var tensor = Tensor.FromArray(data, nhwc ? [1, h, w, c] : [1, c, h, w]);
        return input.Type switch
        {
            DataType.Float32 => tensor,
            DataType.Float16 => Tensor.FromArray(data.Select(v => (Half)v).ToArray(), tensor.Shape.ToArray()),
            DataType.UInt8 => Tensor.FromArray(data.Select(v => (byte)Math.Clamp(MathF.Round(v), 0, 255)).ToArray(), tensor.Shape.ToArray()),
            _ => throw new MoteInputException($"input '{input.Name}' is {input.Type.ShortName()}; images can feed f32, f16 or u8 inputs"),
        };
    }

    private static void Resample(ImageResult image, int c, int h, int w, ImageOptions o, bool nhwc, float[] dst)
    {
        // Bilinear with half-pixel centres (what PIL/OpenCV resize do without antialiasing).
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
                for (int ch = 0; ch < c; ch++)
                {
                    int src = c == 3 && o.Bgr ? 2 - ch : ch;
                    float p00 = image.Data[(y0 * image.Width + x0) * c + src], p01 = image.Data[(y0 * image.Width + x1) * c + src];
                    float p10 = image.Data[(y1 * image.Width + x0) * c + src], p11 = image.Data[(y1 * image.Width + x1) * c + src];
                    float v = (p00 * (1 - wx) + p01 * wx) * (1 - wy) + (p10 * (1 - wx) + p11 * wx) * wy;
                    v = (v * o.Scale - o.Mean[ch % o.Mean.Length]) / o.Std[ch % o.Std.Length];
                    dst[nhwc ? (y * w + x) * c + ch : (ch * h + y) * w + x] = v;
                }
            }
        }
    }
}
