using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// Depthwise QLinearConv and ConvInteger (one input and one output channel per group) take their own integer path; it
/// must give exactly what the general GEMM path gives for the same convolution written as one group with block-diagonal
/// weights (off-diagonal weights equal to their channel's zero point, so they contribute nothing).
/// </summary>
public class DepthwiseQuantizedConvTests
{
    private const int C = 5;

    private static TensorDef Const(string name, DataType type, int[] shape, byte[] data) =>
        new(name, type, shape.Select(d => (Dim)d).ToArray(), data);

    private static Tensor Run(bool depthwise, bool requantize, int stride, int K, int H, int W, byte[] x, byte[] w, byte[] wZero)
    {
        var model = new ModelDef();
        model.Add(new TensorDef("x", DataType.UInt8, [1, C, H, W]));
        model.Graph.Inputs.Add("x");
        int cin = depthwise ? 1 : C;
        var weights = new byte[C * cin * K * K];
        for (int m = 0; m < C; m++)
            for (int c = 0; c < cin; c++)
                for (int t = 0; t < K * K; t++)
                    weights[(m * cin + c) * K * K + t] = depthwise || c == m ? w[m * K * K + t] : wZero[m];
        model.Add(Const("w", DataType.Int8, [C, cin, K, K], weights));
        model.Add(Const("xz", DataType.UInt8, [], [37]));
        model.Add(Const("wz", DataType.Int8, [C], wZero));
        var attrs = new[] { AttributeDef.FromInt("group", depthwise ? C : 1), AttributeDef.FromInts("pads", [1, 2, 1, 0]),
            AttributeDef.FromInts("strides", [stride, stride]), AttributeDef.FromInts("kernel_shape", [K, K]) };
        if (requantize)
        {
            model.Add(Const("xs", DataType.Float32, [], BitConverter.GetBytes(0.02f)));
            model.Add(Const("ws", DataType.Float32, [C], Enumerable.Range(0, C).SelectMany(i => BitConverter.GetBytes(0.01f + 0.003f * i)).ToArray()));
            model.Add(Const("ys", DataType.Float32, [], BitConverter.GetBytes(0.05f)));
            model.Add(Const("yz", DataType.UInt8, [], [120]));
            model.Add(Const("b", DataType.Int32, [C], Enumerable.Range(0, C).SelectMany(i => BitConverter.GetBytes(i * 97 - 200)).ToArray()));
            model.Graph.Nodes.Add(new NodeDef(OpType.QLinearConv, "conv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["y"], attrs));
        }
        else
        {
            model.Graph.Nodes.Add(new NodeDef(OpType.ConvInteger, "conv", ["x", "w", "xz", "wz"], ["y"], attrs));
        }
        model.Add(new TensorDef("y", DataType.Undefined, null));
        model.Graph.Outputs.Add("y");
        using var loaded = MoteModel.FromDefinition(model);
        using var session = loaded.CreateSession();
        return session.Run(new NamedTensor("x", Tensor.FromArray(x, 1, C, H, W)))["y"];
    }

    // 3×3 takes the float depthwise kernel (its sums are exact integers there); 17×17 (289 taps) the integer kernel.
    [Theory]
    [InlineData(true, 1, 3, 9, 11)]
    [InlineData(true, 2, 3, 9, 11)]
    [InlineData(false, 1, 3, 9, 11)]
    [InlineData(false, 2, 3, 9, 11)]
    [InlineData(true, 1, 17, 20, 23)]
    [InlineData(false, 2, 17, 20, 23)]
    public void DepthwiseEqualsTheBlockDiagonalConvolution(bool requantize, int stride, int K, int H, int W)
    {
        var rng = new Random(stride + (requantize ? 10 : 0));
        var x = new byte[C * H * W];
        var w = new byte[C * K * K];
        rng.NextBytes(x);
        rng.NextBytes(w);
        byte[] wZero = [0, 3, unchecked((byte)-7), 127, unchecked((byte)-128)];
        var expected = Run(depthwise: false, requantize, stride, K, H, W, x, w, wZero);
        var actual = Run(depthwise: true, requantize, stride, K, H, W, x, w, wZero);
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Memory.ToArray(), actual.Memory.ToArray());
        // Not a trivial output: the values spread.
        Assert.True(actual.Memory.ToArray().Distinct().Count() > 10);
    }
}
