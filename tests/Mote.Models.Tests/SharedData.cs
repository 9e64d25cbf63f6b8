namespace Mote.Models.Tests;

/// <summary>Locates the read-only shared models and data (<c>../shared</c> next to the repository).</summary>
internal static class SharedData
{
    private static readonly Lazy<string> RepoPath = new(FindRepo);

    /// <summary>The repository root (the directory holding Mote.slnx).</summary>
    public static string RepoRoot => RepoPath.Value;

    /// <summary>The shared directory.</summary>
    public static string Root
    {
        get
        {
            var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(shared) ? shared : throw new DirectoryNotFoundException($"shared models not found at {shared}");
        }
    }

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Mote.slnx")))
                return dir.FullName;
        throw new DirectoryNotFoundException("cannot find Mote.slnx above the test assembly");
    }
}
