using Mote.Runtime;

namespace Mote.Cli.Inputs;

/// <summary>
/// The real inputs of <c>mote convert --calibration DIR</c>. Either one subfolder per sample holding one file per model
/// input named after it (<c>INPUT.npy</c>, <c>INPUT.pb</c> or an image <c>INPUT.png</c>/<c>.jpg</c>), or, for a model
/// with one input, a folder of images (one sample each, preprocessed with the image options). Samples are taken in
/// ordinal name order, so a run is reproducible.
/// </summary>
public static class CalibrationSet
{
    /// <summary>Loads every sample of <paramref name="dir"/> for <paramref name="inputs"/>.</summary>
    /// <exception cref="MoteInputException">The folder is missing, empty, or a sample lacks an input.</exception>
    public static List<IReadOnlyList<NamedTensor>> Load(string dir, IReadOnlyList<TensorInfo> inputs, IReadOnlyDictionary<string, int> dims, ImageOptions image)
    {
        if (!Directory.Exists(dir))
            throw new MoteInputException($"--calibration {dir}: no such folder");
        var folders = Directory.GetDirectories(dir).Order(StringComparer.Ordinal).ToList();
        var samples = new List<IReadOnlyList<NamedTensor>>();
        if (folders.Count > 0)
        {
            foreach (var folder in folders)
                samples.Add(inputs.Select(i => new NamedTensor(i.Name, InputSet.Load(FileFor(folder, i), i, dims, image))).ToList());
            return samples;
        }
        var images = Directory.GetFiles(dir).Where(ImageLoader.IsImage).Order(StringComparer.Ordinal).ToList();
        if (images.Count == 0)
            throw new MoteInputException($"--calibration {dir}: expected one subfolder per sample (with INPUT.npy files) or image files, found neither");
        if (inputs.Count != 1)
            throw new MoteInputException($"--calibration {dir}: a folder of images feeds a model with one input; this one has {inputs.Count} ({string.Join(", ", inputs)}): use one subfolder per sample");
        foreach (var path in images)
            samples.Add([new NamedTensor(inputs[0].Name, ImageLoader.Load(path, inputs[0], dims, image))]);
        return samples;
    }

    private static string FileFor(string folder, TensorInfo input)
    {
        var matches = Directory.GetFiles(folder).Where(f => Path.GetFileNameWithoutExtension(f) == input.Name).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new MoteInputException($"calibration sample {folder}: no file for input {input} (expected {input.Name}.npy, .pb or an image)"),
            _ => throw new MoteInputException($"calibration sample {folder}: several files for input '{input.Name}': {string.Join(", ", matches.Select(Path.GetFileName))}"),
        };
    }
}
