namespace Mote.Models.Tests;

/// <summary>Models that <c>tools/scripts/fetch-models.sh</c> unpacks from npm/NuGet into <c>.cache/models/</c>.</summary>
internal static class FetchedModels
{
    public static string Root => Path.Combine(SharedData.RepoRoot, ".cache", "models");

    /// <summary>The path of a fetched file; fails with what to run when it is missing.</summary>
    public static string File(params string[] parts)
    {
        var path = Path.Combine([Root, .. parts]);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: run tools/scripts/fetch-models.sh first");
        return path;
    }
}
