namespace Mote.Runtime.Operators.Elementwise;

/// <summary>
/// A binary elementwise function over contiguous runs: vector ⊕ vector, vector ⊕ scalar and scalar ⊕
/// vector. <see cref="BinaryBroadcast"/> reduces any broadcast to these three forms; implementations
/// vectorize them (TensorPrimitives or kernels) or loop over an <see cref="IBinaryFunction{TA, TB, TY}"/>.
/// Spans of one call have equal lengths; <c>y</c> may be exactly the same memory as <c>a</c>.
/// </summary>
internal interface IBinaryRuns<TA, TB, TY>
{
    void Run(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TY> y);

    void Run(ReadOnlySpan<TA> a, TB b, Span<TY> y);

    void Run(TA a, ReadOnlySpan<TB> b, Span<TY> y);
}

/// <summary>One element of a binary function.</summary>
internal interface IBinaryFunction<TA, TB, TY>
{
    TY Invoke(TA a, TB b);
}

/// <summary>Runs of a scalar function: plain loops (the JIT specializes them per function and type).</summary>
internal readonly struct ScalarRuns<TA, TB, TY, TF>(TF f) : IBinaryRuns<TA, TB, TY> where TF : struct, IBinaryFunction<TA, TB, TY>
{
    private readonly TF _f = f;

    public void Run(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TY> y)
    {
        var f = _f;
        for (int i = 0; i < y.Length; i++)
            y[i] = f.Invoke(a[i], b[i]);
    }

    public void Run(ReadOnlySpan<TA> a, TB b, Span<TY> y)
    {
        var f = _f;
        for (int i = 0; i < y.Length; i++)
            y[i] = f.Invoke(a[i], b);
    }

    public void Run(TA a, ReadOnlySpan<TB> b, Span<TY> y)
    {
        var f = _f;
        for (int i = 0; i < y.Length; i++)
            y[i] = f.Invoke(a, b[i]);
    }
}
