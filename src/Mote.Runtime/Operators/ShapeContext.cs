using System.Runtime.InteropServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators;

/// <summary>
/// The planner's view of one node during shape inference: input types and concrete shapes, input
/// values where they are known before the model runs (constants and values computed ahead of
/// time), and the outputs the operator declares.
/// </summary>
internal sealed class ShapeContext
{
    private readonly DataType[] _inTypes;
    private readonly int[]?[] _inShapes;
    private readonly TensorValue[] _inValues;
    private readonly bool[] _inKnown;

    public ShapeContext(int maxInputs, int maxOutputs)
    {
        _inTypes = new DataType[maxInputs];
        _inShapes = new int[maxInputs][];
        _inValues = new TensorValue[maxInputs];
        _inKnown = new bool[maxInputs];
        OutputTypes = new DataType[maxOutputs];
        OutputShapes = new int[maxOutputs][];
    }

    /// <summary>Number of input slots of the node (omitted optionals included).</summary>
    public int InputCount { get; private set; }

    /// <summary>Number of output slots of the node.</summary>
    public int OutputCount { get; private set; }

    /// <summary>Scratch bytes the operator asked for.</summary>
    public long ScratchBytes { get; private set; }

    internal DataType[] OutputTypes { get; }

    internal int[]?[] OutputShapes { get; }

    internal void Reset(int inputs, int outputs)
    {
        InputCount = inputs;
        OutputCount = outputs;
        ScratchBytes = 0;
        Array.Clear(_inShapes);
        Array.Clear(_inKnown);
        Array.Clear(OutputShapes);
    }

    internal void SetInput(int i, DataType type, int[] shape, TensorValue? value)
    {
        _inTypes[i] = type;
        _inShapes[i] = shape;
        _inKnown[i] = value.HasValue;
        _inValues[i] = value ?? default;
    }

    /// <summary>True when input <paramref name="i"/> is present (not omitted).</summary>
    public bool HasInput(int i) => i < InputCount && _inShapes[i] is not null;

    /// <summary>Element type of input <paramref name="i"/>.</summary>
    public DataType InputType(int i) => HasInput(i) ? _inTypes[i] : throw Missing(i);

    /// <summary>Shape of input <paramref name="i"/>.</summary>
    public int[] InputShape(int i) => HasInput(i) ? _inShapes[i]! : throw Missing(i);

    /// <summary>Rank of input <paramref name="i"/>.</summary>
    public int InputRank(int i) => InputShape(i).Length;

    /// <summary>True when the value of input <paramref name="i"/> is known before the run.</summary>
    public bool IsValueKnown(int i) => HasInput(i) && _inKnown[i];

    /// <summary>The value of input <paramref name="i"/> if known ahead of the run.</summary>
    public bool TryGetValue(int i, out TensorValue value)
    {
        value = HasInput(i) && _inKnown[i] ? _inValues[i] : default;
        return HasInput(i) && _inKnown[i];
    }

    /// <summary>
    /// Integer values of input <paramref name="i"/> (int32 or int64), which the output shape depends
    /// on; throws when they are only known once the model runs.
    /// </summary>
    public long[] GetInts(int i)
    {
        if (!TryGetValue(i, out var v))
            throw new ValueNotKnownException($"the output shape depends on the runtime value of input {i}");
        return v.Type switch
        {
            DataType.Int64 => v.Span<long>().ToArray(),
            DataType.Int32 => ToLong(v.Span<int>()),
            _ => throw new MoteShapeException($"input {i} must be int32 or int64, got {v.Type.ShortName()}"),
        };
    }

    /// <summary>Float values of input <paramref name="i"/> (known ahead of the run).</summary>
    public float[] GetFloats(int i)
    {
        if (!TryGetValue(i, out var v))
            throw new ValueNotKnownException($"the output shape depends on the runtime value of input {i}");
        return v.Type switch
        {
            DataType.Float32 => v.Span<float>().ToArray(),
            DataType.Float64 => v.Span<double>().ToArray().Select(d => (float)d).ToArray(),
            _ => throw new MoteShapeException($"input {i} must be a float tensor, got {v.Type.ShortName()}"),
        };
    }

    /// <summary>Declares output <paramref name="i"/>; outputs the node does not produce (omitted optionals) are ignored.</summary>
    public void SetOutput(int i, DataType type, int[] shape)
    {
        if (i >= OutputCount)
            return;
        foreach (var d in shape)
            if (d < 0)
                throw new MoteShapeException($"output {i} would have a negative dimension {ShapeMath.Format(shape)}");
        OutputTypes[i] = type;
        OutputShapes[i] = shape;
    }

    /// <summary>Asks for at least <paramref name="bytes"/> bytes of scratch while the node executes.</summary>
    public void RequestScratch(long bytes) => ScratchBytes = Math.Max(ScratchBytes, bytes);

    /// <summary>Throws unless input <paramref name="i"/> has one of the listed types.</summary>
    public void ExpectType(int i, string name, params ReadOnlySpan<DataType> allowed)
    {
        var t = InputType(i);
        foreach (var a in allowed)
            if (t == a)
                return;
        var names = new string[allowed.Length];
        for (int k = 0; k < allowed.Length; k++)
            names[k] = allowed[k].ShortName();
        throw new MoteNotSupportedException($"input '{name}' has type {t.ShortName()}; supported: {string.Join(", ", names)}");
    }

    private static long[] ToLong(ReadOnlySpan<int> s)
    {
        var r = new long[s.Length];
        for (int k = 0; k < s.Length; k++)
            r[k] = s[k];
        return r;
    }

    private MoteShapeException Missing(int i) => new($"required input {i} is missing");

    internal static ReadOnlySpan<byte> BytesOf<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan());
}
