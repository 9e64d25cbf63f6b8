using System.Globalization;
using Mote.Cli.Npy;
using Mote.Runtime;

namespace Mote.Cli.Inputs;

/// <summary>Builds the named input tensors of a run from <c>--input NAME=FILE</c>, <c>--dim</c> and <c>--random-inputs</c>.</summary>
internal static class InputSet
{
    public static Dictionary<string, int> ParseDims(IEnumerable<string>? specs)
    {
        var dims = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in specs ?? [])
        {
            var (name, value) = Split(s, "--dim");
            dims[name] = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v : throw new MoteInputException($"--dim {s}: the value must be a positive integer");
        }
        return dims;
    }

    /// <summary>
    /// One tensor per model input, in model order: from files where given, random where
    /// <paramref name="random"/> allows, otherwise an error naming what is missing.
    /// </summary>
    public static List<NamedTensor> Build(IReadOnlyList<TensorInfo> inputs, IEnumerable<string>? specs, IReadOnlyDictionary<string, int> dims,
        bool random, int seed, ImageOptions image)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in specs ?? [])
        {
            var (name, path) = Split(s, "--input");
            if (!inputs.Any(i => i.Name == name))
                throw new MoteInputException($"--input {s}: the model has no input named '{name}'; its inputs are: {string.Join(", ", inputs)}");
            given[name] = path;
        }
        var rng = new Random(seed);
        var result = new List<NamedTensor>();
        foreach (var info in inputs)
        {
            if (given.TryGetValue(info.Name, out var path))
                result.Add(new NamedTensor(info.Name, Load(path, info, dims, image)));
            else if (random)
                result.Add(new NamedTensor(info.Name, RandomInputs.Create(info, dims, rng)));
            else
                throw new MoteInputException($"no data for input {info}; pass --input {info.Name}=FILE.npy or --random-inputs");
        }
        return result;
    }

    /// <summary>
    /// What <see cref="Build"/> made up, for an error message: the inputs filled with random data, the
    /// symbolic dimensions of those inputs left at 1, and the range of random integers. Null when every
    /// input came from a file, so nothing about the data was guessed.
    /// </summary>
    public static string? DescribeRandom(IReadOnlyList<TensorInfo> inputs, IEnumerable<string>? specs, IReadOnlyDictionary<string, int> dims)
    {
        var given = (specs ?? []).Select(s => Split(s, "--input").Name).ToHashSet(StringComparer.Ordinal);
        var random = inputs.Where(i => !given.Contains(i.Name)).ToList();
        if (random.Count == 0)
            return null;
        var unset = random.SelectMany(i => i.Shape).Where(d => !d.IsFixed && !dims.ContainsKey(d.Symbol!)).Select(d => d.Symbol!).Distinct().ToList();
        var ints = random.Where(i => i.Type is Mote.Format.DataType.Int64 or Mote.Format.DataType.Int32).Select(i => i.Name).ToList();
        var parts = new List<string> { $"random inputs: {string.Join(", ", random.Select(i => i.Name))}" };
        if (unset.Count > 0)
            parts.Add($"symbolic dimensions left at 1: {string.Join(", ", unset)}");
        if (ints.Count > 0)
            parts.Add($"integers drawn from [0,{RandomInputs.DefaultIntRange}): {string.Join(", ", ints)}");
        parts.Add("set sizes with --dim NAME=VALUE or pass data with --input NAME=FILE");
        return string.Join("; ", parts);
    }

    /// <summary>An input file: an image, a serialized ONNX TensorProto (.pb, as in ONNX test data), or .npy.</summary>
    public static Tensor Load(string path, TensorInfo info, IReadOnlyDictionary<string, int> dims, ImageOptions image)
    {
        if (ImageLoader.IsImage(path))
            return ImageLoader.Load(path, info, dims, image);
        if (Path.GetExtension(path).Equals(".pb", StringComparison.OrdinalIgnoreCase))
        {
            var t = Mote.Convert.OnnxTensorFile.Read(path);
            return Tensor.FromBytes(t.Type, t.Data!.Value.ToArray(), t.FixedShape().Select(d => checked((int)d)).ToArray());
        }
        return NpyFile.Read(path);
    }

    private static (string Name, string Value) Split(string spec, string option)
    {
        int eq = spec.IndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1)
            throw new MoteInputException($"{option} {spec}: expected NAME=VALUE");
        return (spec[..eq], spec[(eq + 1)..]);
    }
}
