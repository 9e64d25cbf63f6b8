namespace Mote.Conformance.Tests;

/// <summary>Paths in the repository and the shared data next to it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string NodeTests => Path.GetFullPath(Path.Combine(Root, "..", "shared", "onnx-node-tests"));

    public static string PassingList => Path.Combine(Root, "tests", "Mote.Conformance.Tests", "passing.txt");

    public static string OperatorsDoc => Path.Combine(Root, "docs", "operators.md");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mote.slnx")))
                return dir.FullName;
        throw new DirectoryNotFoundException("cannot find Mote.slnx above the test assembly");
    }
}
