namespace Mote.Kernels.Simd;

/// <summary>
/// A small integer known at JIT time. Struct type arguments implementing it let the JIT fold every
/// <c>if (TRows.Value &gt; r)</c> in <c>SgemmMicroKernel</c> or <c>WindowDriver</c>, so one source
/// yields each ISA's register tile (and the small-M tiles) without copy-paste.
/// </summary>
internal interface IConstant
{
    /// <summary>The value.</summary>
    static abstract int Value { get; }
}

#pragma warning disable CS1591 // The names say it all.
internal readonly struct C0 : IConstant { public static int Value => 0; }
internal readonly struct C1 : IConstant { public static int Value => 1; }
internal readonly struct C2 : IConstant { public static int Value => 2; }
internal readonly struct C3 : IConstant { public static int Value => 3; }
internal readonly struct C4 : IConstant { public static int Value => 4; }
internal readonly struct C5 : IConstant { public static int Value => 5; }
internal readonly struct C6 : IConstant { public static int Value => 6; }
internal readonly struct C7 : IConstant { public static int Value => 7; }
internal readonly struct C8 : IConstant { public static int Value => 8; }
#pragma warning restore CS1591
