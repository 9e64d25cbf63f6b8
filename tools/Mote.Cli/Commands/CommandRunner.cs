using System.CommandLine;
using Mote.Format;

namespace Mote.Cli.Commands;

/// <summary>Runs a command body and turns failures into one line on stderr and a non-zero exit code.</summary>
internal static class CommandRunner
{
    public const int Ok = 0;
    public const int Failed = 1;
    /// <summary>Exit code when a comparison is beyond tolerance (verify).</summary>
    public const int Mismatch = 3;

    public static void SetAction(Command command, Func<ParseResult, int> body) =>
        command.SetAction(parse => Run(parse, body));

    private static int Run(ParseResult parse, Func<ParseResult, int> body)
    {
        bool verbose = parse.GetValue(CliOptions.Verbose);
        try
        {
            return body(parse);
        }
        catch (Exception e)
        {
            if (verbose)
                Console.Error.WriteLine($"mote: error: {e}");
            else if (e is MoteException or IOException or UnauthorizedAccessException)
                Console.Error.WriteLine($"mote: error: {OneLine(e.Message)}");
            else
                // Not an expected failure: still one line, but say it is ours.
                Console.Error.WriteLine($"mote: internal error: {e.GetType().Name}: {OneLine(e.Message)} (run with --verbose for details)");
            return Failed;
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
