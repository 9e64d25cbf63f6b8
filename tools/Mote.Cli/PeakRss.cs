namespace Mote.Cli;

/// <summary>Peak resident set size of this process.</summary>
internal static class PeakRss
{
    /// <summary>The high-water mark of resident memory in MB (VmHWM on Linux; the working-set peak elsewhere).</summary>
    public static double Megabytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return kb / 1024.0;
                }
        return System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024);
    }
}
