using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using Mote.Format;
using Mote.Runtime;

namespace Mote.Cli.Reference;

/// <summary>Runs an ONNX model with ONNX Runtime (the reference) on Mote tensors.</summary>
public sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly Microsoft.ML.OnnxRuntime.InferenceSession _session;
    private readonly RunOptions _runOptions = new();

    /// <summary>
    /// Opens <paramref name="onnxPath"/> with the CPU execution provider and <paramref name="threads"/> intra-op threads;
    /// with <paramref name="profilePrefix"/>, ONNX Runtime's profiler traces every run (see <see cref="EndProfiling"/>).
    /// </summary>
    public OnnxRuntimeRunner(string onnxPath, int threads = 1, string? profilePrefix = null)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Threads spinning after a run would distort side-by-side timings of the other runtime.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (profilePrefix is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = profilePrefix;
        }
        _session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnxPath, options);
        OutputNames = [.. _session.OutputNames];
        Inputs = _session.InputMetadata.Select(kv => new TensorInfo(kv.Key, FromOrtType(kv.Value.ElementDataType),
            kv.Value.Dimensions.Select((d, k) => d >= 0 ? Dim.Fixed(d)
                : Dim.Symbolic(kv.Value.SymbolicDimensions[k] is { Length: > 0 } sym ? sym : $"{kv.Key}_dim{k}")).ToArray())).ToList();
    }

    /// <summary>Stops the profiler (when enabled) and returns the path of its trace file.</summary>
    public string EndProfiling() => _session.EndProfiling();

    /// <summary>The model's inputs as ONNX Runtime reports them.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>Output names in model order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Runs the model; returns every output as a Mote tensor.</summary>
    public NamedTensor[] Run(IReadOnlyList<NamedTensor> inputs)
    {
        var values = inputs.Select(i => ToOrt(i.Value)).ToArray();
        try
        {
            using var results = _session.Run(_runOptions, inputs.Select(i => i.Name).ToArray(), values, OutputNames.ToArray());
            return results.Select((v, k) => new NamedTensor(OutputNames[k], FromOrt(v))).ToArray();
        }
        finally
        {
            foreach (var v in values)
                v.Dispose();
        }
    }

    /// <summary>
    /// A run with its input and output tensors made once (from one ordinary run), for timing inference alone the
    /// way an application reusing buffers calls ONNX Runtime; dispose it before the runner.
    /// </summary>
    public BoundRun Bind(IReadOnlyList<NamedTensor> inputs)
    {
        var first = Run(inputs);
        var inputValues = inputs.Select(i => ToOrt(i.Value)).ToArray();
        var outputValues = first.Select(o => ToOrt(o.Value)).ToArray();
        return new BoundRun(this, inputs.Select(i => i.Name).ToArray(), inputValues, outputValues);
    }

    /// <summary>See <see cref="Bind"/>.</summary>
    public sealed class BoundRun(OnnxRuntimeRunner owner, string[] inputNames, OrtValue[] inputs, OrtValue[] outputs) : IDisposable
    {
        private readonly string[] _outputNames = [.. owner.OutputNames];

        public void Run() => owner._session.Run(owner._runOptions, inputNames, inputs, _outputNames, outputs);

        public void Dispose()
        {
            foreach (var v in inputs.Concat(outputs))
                v.Dispose();
        }
    }

    private static OrtValue ToOrt(Tensor t)
    {
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, ToOrtType(t.Type), t.Shape.ToArray().Select(d => (long)d).ToArray());
        t.Memory.Span.CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    private static Tensor FromOrt(OrtValue v)
    {
        var info = v.GetTensorTypeAndShape();
        var type = FromOrtType(info.ElementDataType);
        var shape = info.Shape.Select(d => checked((int)d)).ToArray();
        var bytes = v.GetTensorMutableRawData().ToArray();
        return Tensor.FromBytes(type, bytes, shape);
    }

    private static TensorElementType ToOrtType(DataType t) => t switch
    {
        DataType.Float32 => TensorElementType.Float,
        DataType.Float16 => TensorElementType.Float16,
        DataType.BFloat16 => TensorElementType.BFloat16,
        DataType.Float64 => TensorElementType.Double,
        DataType.Int8 => TensorElementType.Int8,
        DataType.UInt8 => TensorElementType.UInt8,
        DataType.Int16 => TensorElementType.Int16,
        DataType.UInt16 => TensorElementType.UInt16,
        DataType.Int32 => TensorElementType.Int32,
        DataType.UInt32 => TensorElementType.UInt32,
        DataType.Int64 => TensorElementType.Int64,
        DataType.UInt64 => TensorElementType.UInt64,
        DataType.Bool => TensorElementType.Bool,
        _ => throw new NotSupportedException($"ONNX Runtime bridge: {t.ShortName()}"),
    };

    private static DataType FromOrtType(TensorElementType t) => t switch
    {
        TensorElementType.Float => DataType.Float32,
        TensorElementType.Float16 => DataType.Float16,
        TensorElementType.BFloat16 => DataType.BFloat16,
        TensorElementType.Double => DataType.Float64,
        TensorElementType.Int8 => DataType.Int8,
        TensorElementType.UInt8 => DataType.UInt8,
        TensorElementType.Int16 => DataType.Int16,
        TensorElementType.UInt16 => DataType.UInt16,
        TensorElementType.Int32 => DataType.Int32,
        TensorElementType.UInt32 => DataType.UInt32,
        TensorElementType.Int64 => DataType.Int64,
        TensorElementType.UInt64 => DataType.UInt64,
        TensorElementType.Bool => DataType.Bool,
        _ => throw new NotSupportedException($"ONNX Runtime bridge: {t}"),
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
