using System.Globalization;

namespace Mote.Models.Tests;

/// <summary>Reads the comma-separated reference data that ships with the shared models.</summary>
internal static class CsvData
{
    /// <summary>All numbers of a comma/newline separated file.</summary>
    public static float[] Numbers(string path) => File.ReadAllText(path)
        .Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>"index,value" rows after a header line.</summary>
    public static Dictionary<int, float> IndexValue(string path) => File.ReadLines(path).Skip(1)
        .Where(l => l.Contains(','))
        .Select(l => l.Split(','))
        .ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => float.Parse(p[1], CultureInfo.InvariantCulture));
}
