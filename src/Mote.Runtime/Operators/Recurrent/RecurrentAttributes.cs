using Mote.Format;
using Mote.Kernels.Recurrent;

namespace Mote.Runtime.Operators.Recurrent;

/// <summary>Which way a recurrent operator walks the sequence.</summary>
internal enum RecurrentDirection
{
    Forward,
    Reverse,
    Bidirectional,
}

/// <summary>
/// The attributes LSTM, GRU and RNN share (ONNX opset 14+): direction, hidden_size, activations with
/// their alpha/beta lists, clip and layout. Validated once when the session is built.
/// </summary>
internal sealed class RecurrentAttributes
{
    private readonly RecurrentActivation[] _activations;
    private readonly int _perDirection;

    private RecurrentAttributes(RecurrentDirection direction, int? hiddenSize, RecurrentActivation[] activations, int perDirection, float clip, int layout)
    {
        Direction = direction;
        HiddenSize = hiddenSize;
        _activations = activations;
        _perDirection = perDirection;
        Clip = clip;
        Layout = layout;
    }

    public RecurrentDirection Direction { get; }

    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions => Direction == RecurrentDirection.Bidirectional ? 2 : 1;

    /// <summary>The hidden_size attribute; null when absent (then R's last dimension decides).</summary>
    public int? HiddenSize { get; }

    /// <summary>Bound on every gate pre-activation; +∞ when the model sets none.</summary>
    public float Clip { get; }

    /// <summary>0: X is [seq, batch, input]; 1: [batch, seq, input] (and the outputs batch-major too).</summary>
    public int Layout { get; }

    /// <summary>True when direction <paramref name="d"/> (0 or 1) walks the sequence from its end.</summary>
    public bool IsReverse(int d) => Direction == RecurrentDirection.Reverse || d == 1;

    /// <summary>Activation <paramref name="k"/> (f, g, h order) of direction <paramref name="d"/>.</summary>
    public RecurrentActivation Activation(int d, int k) => _activations[d * _perDirection + k];

    /// <summary>Reads the attributes; <paramref name="defaults"/> are the op's default activations for one direction.</summary>
    public static RecurrentAttributes Read(NodeDef node, string[] defaults)
    {
        var direction = node.GetString("direction", "forward") switch
        {
            "forward" => RecurrentDirection.Forward,
            "reverse" => RecurrentDirection.Reverse,
            "bidirectional" => RecurrentDirection.Bidirectional,
            var other => throw new MoteNotSupportedException($"direction '{other}' is not one of forward, reverse, bidirectional"),
        };
        int directions = direction == RecurrentDirection.Bidirectional ? 2 : 1;

        long hidden = node.GetInt("hidden_size", 0);
        if (node.Attribute("hidden_size") is not null && hidden is <= 0 or > int.MaxValue)
            throw new MoteNotSupportedException($"hidden_size {hidden} must be positive");

        float clip = node.GetFloat("clip", float.PositiveInfinity);
        if (!(clip > 0))
            throw new MoteNotSupportedException($"clip {clip} must be positive");

        long layout = node.GetInt("layout", 0);
        if (layout is not (0 or 1))
            throw new MoteNotSupportedException($"layout {layout} must be 0 or 1");

        var names = node.Attribute("activations") is { } a
            ? a.Type == AttributeType.Strings ? a.Strings! : a.Type == AttributeType.String ? [a.String!]
                : throw new MoteNotSupportedException($"attribute 'activations' is {a.Type}, expected Strings")
            : [.. Enumerable.Repeat(defaults, directions).SelectMany(s => s)];
        ReadOnlySpan<float> alphas = node.GetFloats("activation_alpha") ?? [];
        ReadOnlySpan<float> betas = node.GetFloats("activation_beta") ?? [];
        var parsed = new List<RecurrentActivation>();
        foreach (var name in names)
            parsed.Add(RecurrentActivation.FromName(name, ref alphas, ref betas)
                ?? throw new MoteNotSupportedException($"activation '{name}' is not one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus"));
        // A bidirectional node listing one direction's functions uses them for both (as ONNX Runtime does).
        if (directions == 2 && parsed.Count == defaults.Length)
            parsed.AddRange(parsed.ToArray());
        if (parsed.Count != directions * defaults.Length)
            throw new MoteNotSupportedException($"activations lists {parsed.Count} functions; {node.Op} with {directions} direction(s) needs {directions * defaults.Length}");
        return new RecurrentAttributes(direction, hidden > 0 ? (int)hidden : null, [.. parsed], defaults.Length, clip, (int)layout);
    }
}
