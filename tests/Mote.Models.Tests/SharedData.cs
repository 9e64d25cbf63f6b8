namespace Mote.Models.Tests;

/// <summary>Locates the read-only shared models and data (<c>../shared</c> next to the repository).</summary>
internal static class SharedData
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root (the directory holding Mote.slnx).</summary>
    public static string RepoRoot => Path.GetDirectoryName(RootPath.Value)!;

    /// <summary>The shared directory.</summary>
    public static string Root => RootPath.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Mote.slnx")))
            {
                var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared"));
                if (!Directory.Exists(shared))
                    throw new DirectoryNotFoundException($"shared models not found at {shared}");
                return shared;
            }
        throw new DirectoryNotFoundException("cannot find Mote.slnx above the test assembly");
    }
}
