using Mote.Format;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>BitCast against the bit patterns themselves, including the 16-bit floats the runtime computes in f32.</summary>
public class BitCastTests
{
    private static readonly ushort[] HalfPatterns = [0x0000, 0x8000, 0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x3555];

    [Fact]
    public void SameWidthPairsKeepTheBits()
    {
        float[] f = [1f, -0f, float.MaxValue, float.Epsilon, float.NegativeInfinity, 3.14159f];
        var asInts = NodeHarness.RunOne(OpType.BitCast, [Int("to", (long)DataType.Int32)], Tensor.FromArray(f, 2, 3)).ToArray<int>();
        Assert.Equal(f.Select(BitConverter.SingleToInt32Bits).ToArray(), asInts);
        long[] l = [0, -1, long.MinValue, 0x3FF0000000000000];
        var asDoubles = NodeHarness.RunOne(OpType.BitCast, [Int("to", (long)DataType.Float64)], Tensor.FromArray(l, 4)).ToArray<double>();
        Assert.Equal(l.Select(BitConverter.Int64BitsToDouble).ToArray(), asDoubles);
        sbyte[] s = [-128, -1, 0, 127];
        Assert.Equal(s.Select(v => (byte)v).ToArray(),
            NodeHarness.RunOne(OpType.BitCast, [Int("to", (long)DataType.UInt8)], Tensor.FromArray(s, 4)).ToArray<byte>());
    }

    [Fact]
    public void SixteenBitFloatsRoundTripTheirPatterns()
    {
        // u16 → f16: the runtime holds the half as f32, which must be the half's exact value.
        var halves = NodeHarness.RunOne(OpType.BitCast, [Int("to", (long)DataType.Float16)], Tensor.FromArray(HalfPatterns, HalfPatterns.Length)).ToArray<float>();
        Assert.Equal(HalfPatterns.Select(b => (float)BitConverter.UInt16BitsToHalf(b)).ToArray(), halves);
        // f16 → i16: the declared-f16 input's own bits come back.
        var input = HalfPatterns.Select(BitConverter.UInt16BitsToHalf).ToArray();
        var bits = NodeHarness.RunOne(OpType.BitCast, [Int("to", (long)DataType.Int16)], Tensor.FromArray(input, input.Length)).ToArray<short>();
        Assert.Equal(HalfPatterns.Select(b => (short)b).ToArray(), bits);
        // u16 → bf16: the upper half of an f32.
        var brains = NodeHarness.RunOne(OpType.BitCast, [Int("to", (long)DataType.BFloat16)], Tensor.FromArray(HalfPatterns, HalfPatterns.Length)).ToArray<float>();
        Assert.Equal(HalfPatterns.Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)).ToArray(), brains);
    }

    [Fact]
    public void DifferentWidthsAreRejected()
    {
        Assert.Throws<MoteShapeException>(() => NodeHarness.Run(OpType.BitCast, [Tensor.FromArray(new float[3], 3)], true, attributes: [Int("to", (long)DataType.Int64)]));
        Assert.Throws<MoteNotSupportedException>(() => NodeHarness.Run(OpType.BitCast, [Tensor.FromArray(new float[3], 3)], true, attributes: [Int("to", 999)]));
    }
}
