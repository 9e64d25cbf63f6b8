using Mote.Format;
using Mote.Runtime;

namespace Mote.Bench.Convolution;

/// <summary>
/// A one-node model (input x → Conv with constant weights and bias, ReLU fused as the converter fuses it → y),
/// written to a temporary <c>.mote</c> file and loaded like any model, so the benchmark runs the path the runtime
/// really takes: weights packed at load, im2col windows or the direct 1×1 GEMM, or the depthwise kernel.
/// </summary>
internal static class ConvModel
{
    /// <summary>Writes the model for <paramref name="layer"/> and loads it; the file is deleted at once (the mapping keeps it alive).</summary>
    public static MoteModel Load(ConvLayer layer, int seed = 1)
    {
        var rng = new Random(seed);
        int k = layer.Kernel;
        var model = new ModelDef();
        model.Add(new TensorDef("x", DataType.Float32, [1, layer.C, layer.H, layer.W]));
        model.Graph.Inputs.Add("x");
        model.Add(new TensorDef("w", DataType.Float32, [layer.M, layer.C / layer.Group, k, k], Bytes(rng, layer.M * (layer.C / layer.Group) * k * k)));
        model.Add(new TensorDef("b", DataType.Float32, [layer.M], Bytes(rng, layer.M)));
        model.Add(new TensorDef("y", DataType.Float32, [1, layer.M, layer.OutH, layer.OutW]));
        model.Graph.Outputs.Add("y");
        model.Graph.Nodes.Add(new NodeDef(OpType.Conv, "conv", ["x", "w", "b"], ["y"],
        [
            AttributeDef.FromInt("group", layer.Group),
            AttributeDef.FromInts("kernel_shape", [k, k]),
            AttributeDef.FromInts("strides", [layer.Stride, layer.Stride]),
            AttributeDef.FromInts("pads", [layer.Pad, layer.Pad, layer.Pad, layer.Pad]),
            AttributeDef.FromInt("mote.activation", 1), // ReLU, fused as the converter does for Conv → Relu
        ]));
        string path = Path.Combine(Path.GetTempPath(), $"mote-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.mote");
        MoteWriter.Write(model, path);
        try
        {
            return MoteModel.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A random input for <paramref name="layer"/>.</summary>
    public static Tensor Input(ConvLayer layer, int seed = 2) =>
        Tensor.FromArray(Floats(new Random(seed), layer.C * layer.H * layer.W), 1, layer.C, layer.H, layer.W);

    private static byte[] Bytes(Random rng, int count)
    {
        var f = Floats(rng, count);
        var b = new byte[count * sizeof(float)];
        Buffer.BlockCopy(f, 0, b, 0, b.Length);
        return b;
    }

    private static float[] Floats(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextSingle() * 2 - 1;
        return x;
    }
}
