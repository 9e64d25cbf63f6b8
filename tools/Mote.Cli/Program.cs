using System.CommandLine;
using Mote.Cli.Commands;

namespace Mote.Cli;

/// <summary>Entry point of the <c>mote</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("Mote: convert ONNX models to .mote and run them on CPUs, from Raspberry Pi to x64 servers.");
        root.Options.Add(CliOptions.Verbose);
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
