using Mote.Cli.Inputs;
using Mote.Runtime;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>PaddleOCR PP-OCRv4 (detector and recognizer) and the v2 direction classifier on real text photos, at several sizes.</summary>
public sealed class OcrTests(ModelHarness harness) : IClassFixture<ModelHarness>
{
    private static string Asset(string name) => FetchedModels.File("ocr-models", "assets", name);
    private static string Image(string name) => FetchedModels.File("images", name);

    public static TheoryData<string, int, int> DetectorCases() => new()
    {
        { "page.png", 192, 384 },
        { "page.png", 96, 192 },
        { "page.png", 320, 640 },
        { "bw_text.png", 192, 576 },
    };

    [Theory]
    [MemberData(nameof(DetectorCases))]
    public void DetectorMatchesOnnxRuntime(string image, int h, int w)
    {
        var onnx = Asset("ch_PP-OCRv4_det_infer.onnx");
        var (model, _) = harness.Load(onnx);
        var x = Load(model, image, h, w, new ImageOptions { Scale = 1f / 255, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] });
        var (mote, reference) = harness.RunBoth(onnx, [new NamedTensor("x", x)]);
        ModelHarness.AssertClose(mote, reference, 1e-4, $"det {image} {h}x{w}");
        // The text mask (probability > 0.3) is the same, pixel for pixel.
        var a = mote[reference[0].Name].ToSingleArray();
        var e = reference[0].Value.ToSingleArray();
        Assert.True(e.Count(v => v > 0.3f) > 100, "the photo should contain text");
        Assert.Equal(e.Select(v => v > 0.3f), a.Select(v => v > 0.3f));
    }

    [Theory]
    [InlineData("text.png", 160)]
    [InlineData("text.png", 320)]
    [InlineData("page.png", 480)]
    public void RecognizerMatchesOnnxRuntimeAndDecodesTheSameText(string image, int w)
    {
        var onnx = Asset("ch_PP-OCRv4_rec_infer.onnx");
        var (model, _) = harness.Load(onnx);
        var x = Load(model, image, 48, w, new ImageOptions { Scale = 1f / 255, Mean = [0.5f], Std = [0.5f] });
        var (mote, reference) = harness.RunBoth(onnx, [new NamedTensor("x", x)]);
        ModelHarness.AssertClose(mote, reference, 1e-4, $"rec {image} width {w}");
        var keys = File.ReadAllLines(Asset("ppocr_keys_v1.txt"));
        Assert.Equal(CtcDecode(reference[0].Value, keys), CtcDecode(mote[reference[0].Name], keys));
    }

    [Fact]
    public void ClassifierMatchesOnnxRuntime()
    {
        var onnx = Asset("ch_ppocr_mobile_v2.0_cls_infer.onnx");
        var (model, _) = harness.Load(onnx);
        var x = Load(model, "text.png", 48, 192, new ImageOptions { Scale = 1f / 255, Mean = [0.5f], Std = [0.5f] });
        var (mote, reference) = harness.RunBoth(onnx, [new NamedTensor("x", x)]);
        ModelHarness.AssertClose(mote, reference, 1e-4, "cls");
    }

    [Fact]
    public void AlternatingImageSizesReuseCachedPlans()
    {
        var onnx = Asset("ch_PP-OCRv4_det_infer.onnx");
        var (model, _) = harness.Load(onnx);
        using var session = model.CreateSession();
        var options = new ImageOptions { Scale = 1f / 255, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };
        var sizes = new[] { (96, 192), (160, 320), (96, 192), (160, 320), (64, 96) };
        var first = new Dictionary<(int, int), float[]>();
        foreach (var (h, w) in sizes)
        {
            var y = session.Run(new NamedTensor("x", Load(model, "page.png", h, w, options)))[0].Value;
            Assert.Equal([1, 1, h, w], y.Shape.ToArray());
            var v = y.ToArray<float>();
            if (first.TryGetValue((h, w), out var earlier))
                Assert.Equal(earlier, v);
            first[(h, w)] = v;
        }
        Assert.Equal(3, session.PlanCount);
    }

    private static Tensor Load(MoteModel model, string image, int h, int w, ImageOptions options)
    {
        var dims = model.Inputs[0].Shape.Where(d => !d.IsFixed).Select(d => d.Symbol!).ToList();
        // [batch, 3, H, W] for the detector, [batch, 3, 48, W] for recognizer and classifier.
        var values = dims.Count == 3 ? new[] { 1, h, w } : new[] { 1, w };
        return ImageLoader.Load(Image(image), model.Inputs[0], dims.Zip(values).ToDictionary(p => p.First, p => p.Second), options);
    }

    /// <summary>Greedy CTC: best class per step, repeats merged, blanks (0) dropped; class i is dictionary line i-1, the last is a space.</summary>
    private static string CtcDecode(Tensor probs, string[] keys)
    {
        var v = probs.ToSingleArray();
        int steps = probs.Shape[1], classes = probs.Shape[2];
        var sb = new System.Text.StringBuilder();
        int last = -1;
        for (int t = 0; t < steps; t++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (v[t * classes + c] > v[t * classes + best])
                    best = c;
            if (best != 0 && best != last)
                sb.Append(best - 1 < keys.Length ? keys[best - 1] : " ");
            last = best;
        }
        return sb.ToString();
    }
}
