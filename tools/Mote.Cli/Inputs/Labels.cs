using System.Text.RegularExpressions;

namespace Mote.Cli.Inputs;

/// <summary>Class labels from a text file: one label per line, "index,label" lines, or a Python dict dump ("0: 'tench',").</summary>
public static partial class Labels
{
    public static Dictionary<int, string> Load(string path)
    {
        var result = new Dictionary<int, string>();
        int next = 0;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line is "{" or "}")
                continue;
            var m = IndexedLine().Match(line);
            if (m.Success)
            {
                next = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                line = m.Groups[2].Value;
            }
            result[next++] = line.Trim().Trim('\'', '"', ',').Trim();
        }
        return result;
    }

    [GeneratedRegex(@"^\{?\s*(\d+)\s*[:,]\s*(.*?)\s*\}?$")]
    private static partial Regex IndexedLine();
}
