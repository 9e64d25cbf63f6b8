using System.Globalization;

namespace Mote.Cli;

/// <summary>Human-readable quantities.</summary>
internal static class Units
{
    public static string Bytes(long n) => n switch
    {
        < 1024 => $"{n} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0:F1} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{n / (1024.0 * 1024):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n / (1024.0 * 1024 * 1024):F2} GiB"),
    };

    public static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:F3}");
}
