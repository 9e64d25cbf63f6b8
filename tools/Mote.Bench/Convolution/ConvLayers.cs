namespace Mote.Bench.Convolution;

/// <summary>
/// Convolution layers of the real models, as listed by <c>--gemm-shapes MODEL.onnx</c> (which prints each Conv's
/// input and output shape); the largest of each kind: 3×3 stride 1 and 2, 1×1, depthwise 3×3.
/// </summary>
public static class ConvLayers
{
    /// <summary>All layers, in table order.</summary>
    public static IReadOnlyList<ConvLayer> All { get; } =
    [
        // PP-OCRv4 det at 640x640: p2o.Conv.58/.61, 3x3 96->24 on 160x160, pad 1 (48 % of the model's flops).
        new("PP-OCRv4 det", 96, 160, 160, 24, 3, Pad: 1),
        // SqueezeNet 1.0 fp16: fire expand3x3, 16->64 on 55x55, pad 1; conv1, 3x3 stride 2 3->64 on 224x224, no pad (-> 111x111).
        new("SqueezeNet fire expand3x3", 16, 55, 55, 64, 3, Pad: 1),
        new("SqueezeNet conv1", 3, 224, 224, 64, 3, Stride: 2),
        // FastestDet stem: 3x3 stride 2 3->24 on 352x352, pad 1 (-> 176x176).
        new("FastestDet stem", 3, 352, 352, 24, 3, Stride: 2, Pad: 1),
        // 1x1: SqueezeNet conv10 512->1000 on 13x13; PP-OCRv4 rec 480->480 on 6x80 (at 48x320); FastestDet 336->96 on 22x22.
        new("SqueezeNet conv10", 512, 13, 13, 1000, 1),
        new("PP-OCRv4 rec", 480, 6, 80, 480, 1),
        new("FastestDet", 336, 22, 22, 96, 1),
        // Depthwise 3x3: PP-OCRv4 det p2o.Conv.5, 48 channels on 160x160; UltraFace slim-320 16 channels on 120x160
        // (its largest) and 32 channels stride 2 120x160 -> 60x80; all pad 1.
        new("PP-OCRv4 det", 48, 160, 160, 48, 3, Pad: 1, Group: 48),
        new("UltraFace slim", 16, 120, 160, 16, 3, Pad: 1, Group: 16),
        new("UltraFace slim", 32, 120, 160, 32, 3, Stride: 2, Pad: 1, Group: 32),
    ];
}
