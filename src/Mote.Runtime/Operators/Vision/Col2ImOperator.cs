using System.Numerics;
using Mote.Format;
using Mote.Kernels.NeuralNet;
using Mote.Runtime.Execution;
using Mote.Runtime.Operators.Data;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX Col2Im (opset 18): rearranges the column blocks of input [N, C·Πblock_shape, L] into an image
/// [N, C, image_shape…], summing where blocks overlap — the inverse layout of im2col, for any number of
/// spatial dimensions, with <c>strides</c>, <c>dilations</c> and <c>pads</c> ([begin…, end…]). L must be
/// the number of block positions, Π ⌊(image + pads − dilation·(block − 1) − 1)/stride⌋ + 1. f32 runs on
/// <see cref="Col2ImNd"/> (ConvTranspose's kernel); other numeric types on a scalar loop. image_shape and
/// block_shape must be known before the run (run-time values make this a dynamic step).
/// </summary>
internal sealed class Col2ImOperator(NodeDef node) : Operator(node)
{
    private readonly int[]? _strides = node.GetIntArray("strides");
    private readonly int[]? _dilations = node.GetIntArray("dilations");
    private readonly int[]? _pads = node.GetIntArray("pads");

    public override void InferShapes(ShapeContext ctx)
    {
        if (!TypeSwitch.IsNumeric(ctx.InputType(0)))
            throw new MoteNotSupportedException($"Col2Im is not defined for {ctx.InputType(0).ShortName()} here");
        var x = ctx.InputShape(0);
        var image = ctx.GetInts(1);
        var block = ctx.GetInts(2);
        int r = image.Length;
        if (x.Length != 3)
            throw new MoteShapeException($"Col2Im input {ShapeMath.Format(x)} must be [N, C·Πblock_shape, L]");
        Span<int> storage = stackalloc int[7 * Math.Max(r, 1)];
        var w = Window(image, block, storage, out long blockSize);
        if (x[1] % blockSize != 0 || x[2] != w.OutputSize)
            throw new MoteShapeException($"Col2Im input {ShapeMath.Format(x)} must be [N, C·{blockSize}, {w.OutputSize}] for image_shape [{string.Join(",", image)}] and block_shape [{string.Join(",", block)}]");
        var y = new int[r + 2];
        y[0] = x[0];
        y[1] = (int)(x[1] / blockSize);
        for (int d = 0; d < r; d++)
            y[2 + d] = (int)image[d];
        ctx.SetOutput(0, ctx.InputType(0), y);
    }

    public override void Execute(in NodeContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Output(0);
        int r = y.Rank - 2;
        Span<int> storage = stackalloc int[7 * Math.Max(r, 1)];
        var w = Window(Values(ctx.Input(1)), Values(ctx.Input(2)), storage, out _);
        y.Bytes.Clear();
        int images = x.Shape[0], channels = y.Shape[1], columns = x.Shape[2];
        if (x.Type == DataType.Float32)
        {
            var xs = x.Span<float>();
            var ys = y.Span<float>();
            int perImage = channels * w.KernelSize * columns;
            for (int n = 0; n < images && columns > 0; n++)
                Col2ImNd.Accumulate(xs.Slice(n * perImage, perImage), columns, channels, in w, 0, columns, ys.Slice(n * channels * w.InputSize, channels * w.InputSize));
            return;
        }
        var job = new Scalar { X = x, Y = y, Storage = storage };
        TypeSwitch.Numeric(x.Type, ref job, "Col2Im");
    }

    private static long[] Values(TensorValue v) => v.Type == DataType.Int32 ? v.Span<int>().ToArray().Select(i => (long)i).ToArray() : v.Span<long>().ToArray();

    /// <summary>The forward convolution's window: input = the image, output = the block positions, kernel = the block.</summary>
    private WindowNd Window(long[] image, long[] block, Span<int> storage, out long blockSize)
    {
        int r = image.Length;
        if (r < 1 || block.Length != r)
            throw new MoteShapeException($"image_shape [{string.Join(",", image)}] and block_shape [{string.Join(",", block)}] must have the same length ≥ 1");
        Check(_strides, r, "strides");
        Check(_dilations, r, "dilations");
        Check(_pads, 2 * r, "pads");
        var input = storage[..r];
        var output = storage.Slice(r, r);
        var kernel = storage.Slice(2 * r, r);
        var strides = storage.Slice(3 * r, r);
        var dilations = storage.Slice(4 * r, r);
        var padBegin = storage.Slice(5 * r, r);
        var padEnd = storage.Slice(6 * r, r);
        blockSize = 1;
        for (int d = 0; d < r; d++)
        {
            if (image[d] < 0 || image[d] > int.MaxValue || block[d] < 1 || block[d] > int.MaxValue)
                throw new MoteShapeException($"image_shape {image[d]} and block_shape {block[d]} of dimension {d} must be ≥ 0 and ≥ 1");
            input[d] = (int)image[d];
            kernel[d] = (int)block[d];
            strides[d] = _strides?[d] ?? 1;
            dilations[d] = _dilations?[d] ?? 1;
            padBegin[d] = _pads?[d] ?? 0;
            padEnd[d] = _pads?[d + r] ?? 0;
            if (strides[d] < 1 || dilations[d] < 1 || padBegin[d] < 0 || padEnd[d] < 0)
                throw new MoteShapeException("Col2Im strides and dilations must be ≥ 1 and pads ≥ 0");
            long span = (long)input[d] + padBegin[d] + padEnd[d] - (long)dilations[d] * (kernel[d] - 1) - 1;
            if (span < 0)
                throw new MoteShapeException($"block {kernel[d]} (dilation {dilations[d]}) does not fit the padded image {input[d]} along dimension {d}");
            output[d] = checked((int)(span / strides[d] + 1));
            blockSize = checked(blockSize * kernel[d]);
        }
        return new WindowNd(input, output, kernel, strides, dilations, padBegin, padEnd);
    }

    private static void Check(int[]? v, int n, string name)
    {
        if (v is not null && v.Length != n)
            throw new MoteShapeException($"attribute '{name}' has {v.Length} values, expected {n}");
    }

    /// <summary>The same sum for element types other than f32, one column entry at a time.</summary>
    private ref struct Scalar : INumericAction
    {
        public TensorValue X, Y;
        public Span<int> Storage;

        public readonly void Run<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            int r = Y.Rank - 2;
            ReadOnlySpan<int> input = Storage[..r], output = Storage.Slice(r, r), kernel = Storage.Slice(2 * r, r);
            ReadOnlySpan<int> strides = Storage.Slice(3 * r, r), dilations = Storage.Slice(4 * r, r), padBegin = Storage.Slice(5 * r, r);
            var xs = X.Span<T>();
            var ys = Y.Span<T>();
            int channels = Y.Shape[1], columns = X.Shape[2];
            int kernelSize = (int)ShapeMath.Count(kernel), imageSize = (int)ShapeMath.Count(input);
            Span<int> k = stackalloc int[r];
            Span<int> o = stackalloc int[r];
            for (int n = 0; n < X.Shape[0]; n++)
                for (int c = 0; c < channels; c++)
                {
                    k.Clear();
                    for (int kp = 0; kp < kernelSize; kp++, WindowNd.Next(k, kernel))
                    {
                        var src = xs.Slice(((n * channels + c) * kernelSize + kp) * columns, columns);
                        o.Clear();
                        for (int col = 0; col < columns; col++, WindowNd.Next(o, output))
                        {
                            int at = 0;
                            bool inside = true;
                            for (int d = 0; d < r && inside; d++)
                            {
                                int i = o[d] * strides[d] - padBegin[d] + k[d] * dilations[d];
                                inside = i >= 0 && i < input[d];
                                at = at * input[d] + i;
                            }
                            if (inside)
                                ys[(n * channels + c) * imageSize + at] += src[col];
                        }
                    }
                }
        }
    }
}
