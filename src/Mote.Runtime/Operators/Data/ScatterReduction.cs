using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mote.Runtime.Operators.Data;

/// <summary>How ScatterElements and ScatterND combine an update with the value already there.</summary>
internal enum ScatterReduction
{
    /// <summary>Overwrite (the last update of duplicate indices wins).</summary>
    None,
    Add,
    Mul,
    Max,
    Min,
}

internal static class ScatterReductions
{
    public static ScatterReduction Parse(string s) => s switch
    {
        "none" => ScatterReduction.None,
        "add" => ScatterReduction.Add,
        "mul" => ScatterReduction.Mul,
        "max" => ScatterReduction.Max,
        "min" => ScatterReduction.Min,
        _ => throw new MoteNotSupportedException($"reduction '{s}' is not none, add, mul, max or min"),
    };

    /// <summary>Combines <paramref name="update"/> into <paramref name="target"/>; max/min propagate NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<T>(ref T target, T update, ScatterReduction r) where T : INumber<T>
    {
        target = r switch
        {
            ScatterReduction.Add => target + update,
            ScatterReduction.Mul => target * update,
            ScatterReduction.Max => T.Max(target, update),
            ScatterReduction.Min => T.Min(target, update),
            _ => update,
        };
    }
}
