using System.CommandLine;
using Mote.Cli.Inputs;
using Mote.Format;
using Mote.Runtime;

namespace Mote.Cli.Commands;

/// <summary>The input-related options of run, verify and bench, added to a command together.</summary>
internal sealed class InputOptionSet
{
    private readonly Option<string[]> _inputs = CliOptions.Inputs();
    private readonly Option<string[]> _dims = CliOptions.Dims();
    private readonly Option<int> _seed = CliOptions.Seed();
    private readonly Option<bool> _bgr = CliOptions.Bgr();
    private readonly Option<float> _scale = CliOptions.Scale();
    private readonly Option<float[]> _mean = CliOptions.Mean();
    private readonly Option<float[]> _std = CliOptions.Std();
    private readonly Option<bool>? _random;

    /// <param name="command">The command to add the options to.</param>
    /// <param name="randomOption">Add <c>--random-inputs</c>; otherwise missing inputs are always random.</param>
    /// <param name="inputOption">Add <c>--input NAME=FILE</c> (convert takes its data from a folder instead).</param>
    public InputOptionSet(Command command, bool randomOption, bool inputOption = true)
    {
        if (randomOption)
        {
            _random = CliOptions.RandomInputs();
            command.Options.Add(_random);
        }
        if (inputOption)
            command.Options.Add(_inputs);
        foreach (var o in new Option[] { _dims, _seed, _bgr, _scale, _mean, _std })
            command.Options.Add(o);
    }

    /// <summary>The seed for random inputs.</summary>
    public int Seed(ParseResult p) => p.GetValue(_seed);

    /// <summary>How images become tensors (<c>--bgr</c>, <c>--scale</c>, <c>--mean</c>, <c>--std</c>).</summary>
    public ImageOptions Image(ParseResult p) => new()
    {
        Bgr = p.GetValue(_bgr),
        Scale = p.GetValue(_scale),
        Mean = p.GetValue(_mean) is { Length: > 0 } m ? m : [0f],
        Std = p.GetValue(_std) is { Length: > 0 } s ? s : [1f],
    };

    /// <summary>The input options as command-line arguments again (to hand to a child process).</summary>
    public IEnumerable<string> ToArguments(ParseResult p)
    {
        foreach (var i in p.GetValue(_inputs) ?? [])
            yield return "--input=" + i;
        foreach (var d in p.GetValue(_dims) ?? [])
            yield return "--dim=" + d;
        yield return "--seed=" + p.GetValue(_seed).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (p.GetValue(_bgr))
            yield return "--bgr";
        yield return "--scale=" + p.GetValue(_scale).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, values) in new[] { ("--mean", p.GetValue(_mean)), ("--std", p.GetValue(_std)) })
            if (values is { Length: > 0 })
            {
                yield return name;
                foreach (var v in values)
                    yield return v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            }
    }

    public IReadOnlyDictionary<string, int> Dims(ParseResult p) => InputSet.ParseDims(p.GetValue(_dims));

    /// <summary>
    /// Runs a model on inputs built by <see cref="Build"/>. When the run fails and some inputs were random,
    /// the error says what was made up (a symbolic size left at 1 is the usual cause of a shape error),
    /// and a failure inside ONNX Runtime is reported as such rather than as an internal error.
    /// </summary>
    public T Run<T>(ParseResult p, IReadOnlyList<TensorInfo> inputs, string engine, Func<T> run)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException || (e is MoteException && e is not MoteInputException))
        {
            var message = e is MoteException ? e.Message : $"{engine}: {e.Message}";
            if (InputSet.DescribeRandom(inputs, p.GetValue(_inputs), Dims(p)) is { } made)
                message += $" ({made})";
            throw new MoteExecutionException(message, e);
        }
    }

    public List<NamedTensor> Build(ParseResult p, IReadOnlyList<TensorInfo> inputs) => InputSet.Build(
        inputs, p.GetValue(_inputs), Dims(p), _random is null || p.GetValue(_random), p.GetValue(_seed), Image(p));
}
