namespace Mote.Cli.Commands;

/// <summary>
/// The progress line of an int8 calibration: redrawn in place on a terminal (stderr, so that stdout stays the report),
/// nothing when stderr is redirected.
/// </summary>
internal static class CalibrationProgress
{
    private const int Width = 30;

    public static void Report(int done, int total)
    {
        if (Console.IsErrorRedirected || total <= 0)
            return;
        int filled = (int)((long)Width * done / total);
        Console.Error.Write($"\rcalibrating [{new string('#', filled)}{new string('.', Width - filled)}] {done}/{total} runs");
        if (done == total)
            Console.Error.WriteLine();
    }
}
