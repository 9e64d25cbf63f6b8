namespace Mote.Convert.Tests.Support;

/// <summary>Locates the read-only shared data: walk up from the test assembly to the folder holding Mote.slnx, then ../shared.</summary>
internal static class SharedData
{
    public static string Root { get; } = Find();

    public static string Model(params string[] parts) => Path.Combine([Root, "models", .. parts]);

    public static string NodeTests => Path.Combine(Root, "onnx-node-tests");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mote.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        throw new DirectoryNotFoundException("no Mote.slnx above the test assembly");
    }
}
