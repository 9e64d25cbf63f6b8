namespace Mote.Kernels.Simd;

/// <summary>
/// The bare hardware vector behind an <see cref="ISimdF32{TSelf}"/> wrapper (<c>Vector512&lt;float&gt;</c> behind
/// <see cref="F32x16"/>, …), for register-tile loops that keep many accumulators live.
/// </summary>
/// <remarks>
/// Why it exists: with accumulators held in the wrapper struct, the JIT does not see that <c>c = fma(a, b, c)</c>
/// writes back to <c>c</c>'s own register; it computes into the dying multiplicand (<c>vfmadd213ps</c>) and copies
/// the result back, one extra vector move per tile row and k step (10 per step of the 8×48 AVX-512 tile), moves
/// that compete with the FMAs for the vector ports. Held as the bare vector type, every update is one
/// <c>vfmadd231ps</c> (or <c>fmla</c> on ARM64) into the accumulator.
/// </remarks>
internal unsafe interface ISimdRegister<TReg> where TReg : unmanaged
{
    /// <summary>Reads one vector of floats at <paramref name="p"/>.</summary>
    static abstract TReg LoadRegister(float* p);

    /// <summary>All lanes <paramref name="x"/>.</summary>
    static abstract TReg SplatRegister(float x);

    /// <summary><c>a·b + c</c> per lane, exactly as the wrapper's <c>MultiplyAdd</c>.</summary>
    static abstract TReg MultiplyAddRegister(TReg a, TReg b, TReg c);

    /// <summary><c>a + b</c> per lane.</summary>
    static abstract TReg AddRegister(TReg a, TReg b);

    /// <summary>Per-lane maximum, exactly as the wrapper's <c>Max</c>.</summary>
    static abstract TReg MaxRegister(TReg a, TReg b);

    /// <summary>Per-lane minimum, exactly as the wrapper's <c>Min</c>.</summary>
    static abstract TReg MinRegister(TReg a, TReg b);

    /// <summary>Writes one vector of floats at <paramref name="p"/>.</summary>
    static abstract void StoreRegister(float* p, TReg v);
}
