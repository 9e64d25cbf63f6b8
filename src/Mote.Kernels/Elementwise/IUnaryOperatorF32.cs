using System.Runtime.Intrinsics;

namespace Mote.Kernels.Elementwise;

/// <summary>
/// One elementwise float function, written once per lane width (the TensorPrimitives pattern):
/// <see cref="Invoke(float)"/> is the scalar reference, the vector overloads compute the same
/// function on every lane. Implementations are readonly structs whose fields are the function's
/// parameters (an alpha, a clip range), so the generic driver is specialized and inlined per function.
/// </summary>
public interface IUnaryOperatorF32
{
    /// <summary>The scalar reference.</summary>
    float Invoke(float x);

    /// <summary>The function on four lanes.</summary>
    Vector128<float> Invoke(Vector128<float> x);

    /// <summary>The function on eight lanes.</summary>
    Vector256<float> Invoke(Vector256<float> x);

    /// <summary>The function on sixteen lanes.</summary>
    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>The same function in double precision (scalar; f64 tensors are rare in inference graphs).</summary>
public interface IUnaryOperatorF64
{
    /// <summary>The function of one double.</summary>
    double Invoke(double x);
}
