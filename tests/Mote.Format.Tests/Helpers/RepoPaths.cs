namespace Mote.Format.Tests.Helpers;

/// <summary>Locations in the source tree, found by walking up from the test assembly to the directory holding Mote.slnx.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The source (not build output) copy of this project's Data folder.</summary>
    public static string SourceDataDir => Path.Combine(Root, "tests", "Mote.Format.Tests", "Data");

    /// <summary>The Data folder copied next to the test assembly.</summary>
    public static string OutputDataDir => Path.Combine(AppContext.BaseDirectory, "Data");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mote.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"no Mote.slnx above {AppContext.BaseDirectory}");
    }
}
