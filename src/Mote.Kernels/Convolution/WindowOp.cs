using System.Runtime.CompilerServices;
using Mote.Kernels.Simd;

namespace Mote.Kernels.Convolution;

/// <summary>
/// What <see cref="WindowDriver{TV, TOp}"/> does with the taps of one window, in scalar and vector form:
/// start a value, fold in each tap (index <c>ky·KernelWidth + kx</c>) that falls inside the input, and
/// finish with the counts of taps inside the input and inside the padded input.
/// </summary>
internal interface IWindowOp<TV> where TV : unmanaged, ISimdF32<TV>
{
    float Start();
    TV StartVector();
    /// <summary>What a padded tap reads when padding is materialised (<see cref="WindowFlat{TV, TOp}"/>): a value that changes nothing.</summary>
    float PadValue { get; }
    /// <summary>False when <c>Finish</c> returns the accumulator unchanged (the flat driver then skips it).</summary>
    bool HasFinish { get; }
    float Step(float acc, float x, int tap);
    TV Step(TV acc, TV x, int tap);
    float Finish(float acc, int valid, int padded);
    TV Finish(TV acc, int valid, int padded);
}

/// <summary>Depthwise convolution of one channel: bias + Σ x·w, then the activation.</summary>
internal unsafe struct DepthwiseOp<TV> : IWindowOp<TV> where TV : unmanaged, ISimdF32<TV>
{
    public float* Weights;
    public float Bias;
    public Activation Activation;

    public readonly float Start() => Bias;
    public readonly float PadValue => 0f;
    public readonly bool HasFinish => !Activation.IsNone;
    public readonly TV StartVector() => TV.Splat(Bias);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Step(float acc, float x, int tap) => MathF.FusedMultiplyAdd(x, Weights[tap], acc);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TV Step(TV acc, TV x, int tap) => TV.MultiplyAdd(x, TV.Splat(Weights[tap]), acc);
    public readonly float Finish(float acc, int valid, int padded) => Activation.Apply(acc);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TV Finish(TV acc, int valid, int padded) => ActivationSimd.Apply(acc, Activation);
}

/// <summary>Max pooling: the largest tap inside the input (−∞ if none); NaN propagates.</summary>
internal struct MaxOp<TV> : IWindowOp<TV> where TV : unmanaged, ISimdF32<TV>
{
    public readonly float Start() => float.NegativeInfinity;
    public readonly float PadValue => float.NegativeInfinity;
    public readonly bool HasFinish => false;
    public readonly TV StartVector() => TV.Splat(float.NegativeInfinity);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Step(float acc, float x, int tap) => MathF.Max(acc, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TV Step(TV acc, TV x, int tap) => TV.Max(acc, x);
    public readonly float Finish(float acc, int valid, int padded) => acc;
    public readonly TV Finish(TV acc, int valid, int padded) => acc;
}

/// <summary>Average pooling: the sum of taps inside the input over the inside count, or over the count inside the padded input.</summary>
internal struct AverageOp<TV> : IWindowOp<TV> where TV : unmanaged, ISimdF32<TV>
{
    public bool CountIncludePad;

    public readonly float Start() => 0f;
    public readonly float PadValue => 0f;
    public readonly bool HasFinish => true;
    public readonly TV StartVector() => TV.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly float Step(float acc, float x, int tap) => acc + x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly TV Step(TV acc, TV x, int tap) => TV.Add(acc, x);
    public readonly float Finish(float acc, int valid, int padded)
    {
        int n = CountIncludePad ? padded : valid;
        return n == 0 ? 0f : acc / n;
    }
    public readonly TV Finish(TV acc, int valid, int padded)
    {
        int n = CountIncludePad ? padded : valid;
        return n == 0 ? TV.Zero : TV.Divide(acc, TV.Splat(n));
    }
}
