using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Mote.Bench.OrtColdStart;

// What `mote run MODEL --random-inputs` / `--input NAME=IMAGE --bgr --top K --labels FILE` does, with ONNX Runtime:
// create a session (one intra-op thread, as `mote run` uses one), build the inputs, run once, print each output's
// name and shape, and the top K classes.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ort-run MODEL.onnx (--random-inputs | --input NAME=IMAGE [--bgr]) [--top K] [--labels FILE]");
    return 2;
}
string? image = null, labels = null;
bool bgr = false;
int top = 0;
for (int i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--input" when i + 1 < args.Length: image = args[++i]; break;
        case "--bgr": bgr = true; break;
        case "--top" when i + 1 < args.Length: top = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--labels" when i + 1 < args.Length: labels = args[++i]; break;
        case "--random-inputs": break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

using var options = new SessionOptions
{
    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    IntraOpNumThreads = 1,
    InterOpNumThreads = 1,
};
using var session = new InferenceSession(args[0], options);
var rng = new Random(1);
var names = new List<string>();
var values = new List<OrtValue>();
foreach (var (name, meta) in session.InputMetadata)
{
    var shape = meta.Dimensions.Select(d => d < 0 ? 1L : d).ToArray();
    names.Add(name);
    values.Add(image is not null && image.StartsWith(name + "=", StringComparison.Ordinal)
        ? ImageInput.Load(image[(name.Length + 1)..], meta.ElementDataType, shape, bgr)
        : RandomInput.Create(meta.ElementDataType, shape, rng));
}
using var runOptions = new RunOptions();
using var outputs = session.Run(runOptions, names, values, session.OutputNames);
for (int i = 0; i < outputs.Count; i++)
{
    var info = outputs[i].GetTensorTypeAndShape();
    Console.WriteLine($"{session.OutputNames[i]}: {info.ElementDataType}[{string.Join(",", info.Shape)}]");
    if (top > 0 && Floats.Of(outputs[i]) is { } v)
        TopK.Print(v, top, labels);
}
foreach (var v in values)
    v.Dispose();
return 0;
