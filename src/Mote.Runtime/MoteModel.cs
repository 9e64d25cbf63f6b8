using Mote.Format;

namespace Mote.Runtime;

/// <summary>
/// A loaded <c>.mote</c> model. Weights stay in the memory-mapped file and are used in place; the
/// mapping is released when the model and every session created from it are disposed.
/// </summary>
public sealed partial class MoteModel : IDisposable
{
    private readonly IDisposable? _owner;
    private int _references = 1;

    private MoteModel(ModelDef definition, IDisposable? owner)
    {
        Definition = definition;
        _owner = owner;
        Inputs = definition.Graph.Inputs.Where(n => !definition.Tensor(n).IsConstant).Select(n => new TensorInfo(definition.Tensor(n))).ToArray();
        Outputs = definition.Graph.Outputs.Select(n => new TensorInfo(definition.Tensors.TryGetValue(n, out var t) ? t : new TensorDef(n, DataType.Undefined, null))).ToArray();
    }

    /// <summary>The model's inputs.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in order.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Producer, source hash, opsets and properties stored in the file.</summary>
    public ModelMetadata Metadata => Definition.Metadata;

    internal ModelDef Definition { get; }

    /// <summary>Wraps an in-memory model definition (used by the converter and tests).</summary>
    internal static MoteModel FromDefinition(ModelDef definition) => new(definition, null);

    /// <summary>Prepares the model to run.</summary>
    /// <exception cref="MoteNotSupportedException">The model uses operators or attributes this runtime lacks (all are listed).</exception>
    public InferenceSession CreateSession(SessionOptions? options = null)
    {
        if (Interlocked.Increment(ref _references) <= 1)
        {
            Interlocked.Decrement(ref _references);
            throw new ObjectDisposedException(nameof(MoteModel));
        }
        try
        {
            return new InferenceSession(Definition, options ?? new SessionOptions(), Release);
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>Releases the file once no session uses it any more.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Release();
        }
    }

    private bool _disposed;

    private void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
            _owner?.Dispose();
    }
}
