using Mote.Cli.Inputs;
using Mote.Runtime;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>UltraFace (RFB-320, slim-320) and FastestDet on real photos: same outputs and same detections as ONNX Runtime.</summary>
public sealed class DetectorTests(ModelHarness harness) : IClassFixture<ModelHarness>
{
    public static TheoryData<string, string> UltraFaceCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "version-RFB-320.onnx", "version-slim-320.onnx" })
            foreach (var img in Directory.GetFiles(SharedData.Path("models", "ultraface", "imgs")).Order())
                data.Add(model, Path.GetFileName(img));
        return data;
    }

    [Theory]
    [MemberData(nameof(UltraFaceCases))]
    public void UltraFaceFindsTheSameFaces(string modelFile, string image)
    {
        var onnx = SharedData.Path("models", "ultraface", modelFile);
        var (model, _) = harness.Load(onnx);
        // The detector's training preprocessing: RGB, (x - 127) / 128, 320×240.
        var input = ImageLoader.Load(SharedData.Path("models", "ultraface", "imgs", image), model.Inputs[0], new Dictionary<string, int>(),
            new ImageOptions { Mean = [127f], Std = [128f] });
        var (mote, reference) = harness.RunBoth(onnx, [new NamedTensor("input", input)]);
        ModelHarness.AssertClose(mote, reference, 1e-4, $"{modelFile} on {image}");

        var expected = UltraFaceDetections(reference.First(r => r.Name == "scores").Value, reference.First(r => r.Name == "boxes").Value);
        var actual = UltraFaceDetections(mote["scores"], mote["boxes"]);
        Assert.NotEmpty(expected);
        Detection.AssertSame(expected, actual);
    }

    public static TheoryData<string> FastestDetImages() => new(Directory.GetFiles(SharedData.Path("models", "fastestdet"), "*.jpg").Order().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(FastestDetImages))]
    public void FastestDetFindsTheSameObjects(string image)
    {
        var onnx = SharedData.Path("models", "fastestdet", "FastestDet.onnx");
        var (model, _) = harness.Load(onnx);
        // The detector's demo preprocessing: BGR, 0–1, 352×352.
        var input = ImageLoader.Load(SharedData.Path("models", "fastestdet", image), model.Inputs[0], new Dictionary<string, int>(),
            new ImageOptions { Bgr = true, Scale = 1f / 255 });
        var (mote, reference) = harness.RunBoth(onnx, [new NamedTensor(model.Inputs[0].Name, input)]);
        ModelHarness.AssertClose(mote, reference, 1e-4, $"FastestDet on {image}");

        var expected = FastestDetDetections(reference[0].Value);
        var actual = FastestDetDetections(mote[reference[0].Name]);
        Assert.NotEmpty(expected);
        Detection.AssertSame(expected, actual);
    }

    /// <summary>Face probability above 0.7, then NMS at IoU 0.3 (the detector's reference post-processing).</summary>
    internal static List<Detection> UltraFaceDetections(Tensor scores, Tensor boxes)
    {
        var s = scores.ToSingleArray();
        var b = boxes.ToSingleArray();
        var candidates = new List<Detection>();
        for (int i = 0; i < s.Length / 2; i++)
            if (s[2 * i + 1] > 0.7f)
                candidates.Add(new Detection(1, s[2 * i + 1], b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]));
        return Detection.Nms(candidates, 0.3f);
    }

    /// <summary>
    /// FastestDet's head [1, 85, H, W]: objectness, 4 box terms, 80 class scores per cell; score =
    /// obj^0.6 · cls^0.4 above 0.65, box centre = (cell + tanh offset) / grid, size = sigmoid.
    /// </summary>
    internal static List<Detection> FastestDetDetections(Tensor output)
    {
        var v = output.ToSingleArray();
        int h = output.Shape[2], w = output.Shape[3], plane = h * w;
        var candidates = new List<Detection>();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int cell = y * w + x;
                float obj = v[cell];
                int best = 0;
                for (int c = 1; c < 80; c++)
                    if (v[(5 + c) * plane + cell] > v[(5 + best) * plane + cell])
                        best = c;
                float score = MathF.Pow(obj, 0.6f) * MathF.Pow(v[(5 + best) * plane + cell], 0.4f);
                if (score <= 0.65f)
                    continue;
                float cx = (x + MathF.Tanh(v[plane + cell])) / w, cy = (y + MathF.Tanh(v[2 * plane + cell])) / h;
                float bw = 1 / (1 + MathF.Exp(-v[3 * plane + cell])), bh = 1 / (1 + MathF.Exp(-v[4 * plane + cell]));
                candidates.Add(new Detection(best, score, cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2));
            }
        return Detection.Nms(candidates, 0.4f);
    }
}
