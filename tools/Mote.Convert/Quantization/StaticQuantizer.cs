using Mote.Convert.Passes;
using Mote.Format;
using Mote.Kernels;
using Mote.Runtime.Operators.NeuralNet;

namespace Mote.Convert.Quantization;

/// <summary>
/// Static int8 rewrite of a calibrated float model. Each convolution that can run in integers becomes
/// <c>QLinearConv</c> (uint8 activations per tensor, int8 weights per output channel, int32 bias); a
/// <c>QuantizeLinear</c> is inserted where its input arrives in float and a <c>DequantizeLinear</c> after it, which
/// dead-node removal drops when only integer nodes read the result. Max pooling, concatenation and pure data movement
/// (Reshape, Flatten, Transpose, Squeeze, Unsqueeze) run on the uint8 values when their inputs are quantized: the
/// result is the same values, so they inherit the input's parameters (a Concat's inputs are quantized with the Concat's
/// output range, so that they share it). Everything else stays float.
/// </summary>
/// <remarks>
/// A fused ReLU or Clip needs no operation: the output range was calibrated after the activation, so saturating to
/// [0, 255] clamps exactly where it would. Other fused activations, residual additions and affine maps keep the
/// convolution in float; the report counts each reason.
/// </remarks>
public sealed class StaticQuantizer(IReadOnlyDictionary<string, TensorRange> ranges, IReadOnlySet<string>? keepFloat = null) : IGraphPass
{
    private ModelDef _model = null!;
    private GraphIndex _index = null!;
    private readonly Dictionary<string, QuantizedView> _views = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorRange> _override = new(StringComparer.Ordinal);
    private readonly HashSet<string> _parameters = new(StringComparer.Ordinal);
    private List<NodeDef> _nodes = null!;

    /// <inheritdoc/>
    public string Name => "QuantizeInt8";

    /// <summary>After <see cref="Run"/>: every float activation that has a uint8 stand-in.</summary>
    public IReadOnlyDictionary<string, QuantizedView> Views => _views;

    /// <summary>After <see cref="Run"/>: the constants it made (weights, scales, zero points, biases).</summary>
    public IReadOnlySet<string> Parameters => _parameters;

    /// <inheritdoc/>
    public void Run(ModelDef model, PassReport report)
    {
        _model = model;
        _index = new GraphIndex(model);
        _nodes = new List<NodeDef>(model.Graph.Nodes.Count * 2);
        ShareConcatRanges();
        foreach (var node in model.Graph.Nodes)
        {
            if (node.Op == OpType.Conv)
            {
                if (ConvProblem(node) is { } problem)
                {
                    _nodes.Add(node);
                    report.Count($"Conv kept float: {problem}");
                }
                else
                {
                    QuantizeConv(node);
                    report.Count("Conv → QLinearConv");
                }
            }
            else if (IsPassThrough(node))
            {
                PassThrough(node);
                report.Count($"{node.Op} on uint8");
            }
            else
            {
                _nodes.Add(node);
            }
        }
        model.Graph.Nodes.Clear();
        model.Graph.Nodes.AddRange(_nodes);
    }

    // Why a Conv cannot become QLinearConv, or null when it can.
    private string? ConvProblem(NodeDef conv)
    {
        if (keepFloat is not null && (keepFloat.Contains(conv.Name) || keepFloat.Contains(conv.Outputs[0])))
            return "kept float as asked";
        if (conv.Inputs.Count > 3)
            return "residual addition";
        if (conv.Attribute(FusedActivation.AffineAttribute) is not null)
            return "affine map after the activation";
        var kind = (ActivationKind)(conv.Attribute(FusedActivation.KindAttribute)?.Int ?? 0);
        if (kind is not (ActivationKind.None or ActivationKind.Relu or ActivationKind.Clip))
            return $"fused {kind}";
        if (_index.Constant(conv.Input(1)) is not { } w || w.Type is not (DataType.Float32 or DataType.Float16) || w.Shape is not { Length: >= 3 })
            return "weights not a float constant";
        if (conv.Input(2).Length > 0 && _index.Constant(conv.Input(2)) is null)
            return "bias not a constant";
        // float16 activations compute as float32 in the runtime: both quantize the same way.
        if (_model.Tensor(conv.Input(0)).Type is not (DataType.Float32 or DataType.Float16))
            return "input not float";
        if (!_views.ContainsKey(conv.Input(0)) && !ranges.ContainsKey(conv.Input(0)))
            return "input not calibrated";
        if (Range(conv.Outputs[0]) is not { } range)
            return "output not calibrated";
        if (!Saturates(conv, range))
            return $"fused {kind} not implied by the output range";
        return null;
    }

    // Whether saturating to the uint8 codes of `range` applies the Conv's fused ReLU or Clip: the codes must not reach below
    // the activation's lower bound (0 is always a code) nor above its upper bound.
    private static bool Saturates(NodeDef conv, TensorRange range)
    {
        var kind = (ActivationKind)(conv.Attribute(FusedActivation.KindAttribute)?.Int ?? 0);
        if (kind == ActivationKind.None)
            return true;
        var p = conv.Attribute(FusedActivation.ParamsAttribute)?.Floats ?? [];
        float lo = kind == ActivationKind.Clip && p.Length > 0 ? p[0] : 0f;
        float hi = kind == ActivationKind.Clip && p.Length > 1 ? p[1] : float.PositiveInfinity;
        var (scale, zero) = range.ToUInt8();
        return scale * (0 - zero) >= lo && scale * (255 - zero) <= hi * (1 + 1e-6f);
    }

    private void QuantizeConv(NodeDef conv)
    {
        var x = Quantized(conv.Input(0));
        var w = _model.Tensor(conv.Input(1));
        var (wq, wScales) = WeightQuantizer.Quantize(w);
        int m = wScales.Length;
        long[] wShape = w.FixedShape();
        string wName = Add(TensorData.Create(Fresh(w.Name + ".q"), DataType.Int8, wShape, wq.Select(v => (double)v).ToArray())).Name;
        string wScale = Add(TensorData.Create(Fresh(w.Name + ".scale"), DataType.Float32, [m], wScales.Select(v => (double)v).ToArray())).Name;
        string wZero = Add(TensorData.Create(Fresh(w.Name + ".zero_point"), DataType.Int8, [m], new double[m])).Name;
        var bias = conv.Input(2).Length > 0 ? _model.Tensor(conv.Input(2)) : null;
        string bName = Add(TensorData.Create(Fresh((bias?.Name ?? conv.Outputs[0]) + ".q"), DataType.Int32, [m],
            WeightQuantizer.Bias(bias, m, x.Scale, wScales).Select(v => (double)v).ToArray())).Name;

        string y = conv.Outputs[0];
        var yView = NewView(y, Range(y)!.Value);
        var attributes = conv.Attributes.Where(a => a.Name is not (FusedActivation.KindAttribute or FusedActivation.ParamsAttribute)).ToList();
        _nodes.Add(new NodeDef(OpType.QLinearConv, conv.Name, [x.Name, x.ScaleTensor, x.ZeroPointTensor, wName, wScale, wZero, yView.ScaleTensor, yView.ZeroPointTensor, bName],
            [yView.Name], attributes));
        Dequantize(y, yView);
    }

    // Data movement and max pooling: the same op on the uint8 values, when every data input has a stand-in with equal parameters.
    private bool IsPassThrough(NodeDef node)
    {
        switch (node.Op)
        {
            case OpType.MaxPool:
                if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0)
                    return false;
                break;
            case OpType.Reshape or OpType.Flatten or OpType.Transpose or OpType.Squeeze or OpType.Unsqueeze:
                break;
            case OpType.Concat:
                if (node.Inputs.Count == 0 || !node.Inputs.All(_views.ContainsKey))
                    return false;
                var first = _views[node.Inputs[0]];
                return node.Inputs.All(i => _views[i].Scale == first.Scale && _views[i].ZeroPoint == first.ZeroPoint);
            default:
                return false;
        }
        return _views.ContainsKey(node.Input(0)) && node.Outputs.Count >= 1;
    }

    private void PassThrough(NodeDef node)
    {
        var source = _views[node.Input(0)];
        var inputs = node.Inputs.ToList();
        int data = node.Op == OpType.Concat ? inputs.Count : 1;
        for (int i = 0; i < data; i++)
            inputs[i] = _views[inputs[i]].Name;
        string y = node.Outputs[0];
        var view = source with { Name = AddActivation(y, source.Scale, source.ZeroPoint) };
        _views[y] = view;
        var outputs = node.Outputs.ToList();
        outputs[0] = view.Name;
        _nodes.Add(new NodeDef(node.Op, node.Name, inputs, outputs, node.Attributes));
        Dequantize(y, view);
    }

    // A Concat's inputs that only it reads take the Concat's output range, so that all share one scale and zero point;
    // not when that range would reach past an input's fused ReLU or Clip (saturation would no longer apply it).
    private void ShareConcatRanges()
    {
        foreach (var node in _model.Graph.Nodes)
        {
            if (node.Op != OpType.Concat || !ranges.TryGetValue(node.Outputs[0], out var r))
                continue;
            var inputs = node.Inputs.Where(i => _index.HasSingleReader(i) && ranges.ContainsKey(i)).ToList();
            bool clamps = inputs.All(i => _index.Producer(i) is not { Node: { Op: OpType.Conv } conv } || Saturates(conv, r));
            if (clamps)
                foreach (var input in inputs)
                    _override[input] = r;
        }
    }

    private TensorRange? Range(string tensor) =>
        _override.TryGetValue(tensor, out var o) ? o : ranges.TryGetValue(tensor, out var r) ? r : null;

    // The uint8 stand-in of a float tensor: the one a quantized producer made, or a QuantizeLinear inserted here.
    private QuantizedView Quantized(string tensor)
    {
        if (_views.TryGetValue(tensor, out var v))
            return v;
        v = NewView(tensor, Range(tensor)!.Value);
        _nodes.Add(new NodeDef(OpType.QuantizeLinear, "", [tensor, v.QdqScaleTensor, v.ZeroPointTensor], [v.Name]));
        return v;
    }

    private QuantizedView NewView(string tensor, TensorRange range)
    {
        var (scale, zero) = range.ToUInt8();
        string scaleName = Add(TensorData.Create(Fresh(tensor + ".scale"), DataType.Float32, [], [scale])).Name;
        string zeroName = Add(TensorData.Create(Fresh(tensor + ".zero_point"), DataType.UInt8, [], [zero])).Name;
        var type = _model.Tensor(tensor).Type;
        string qdqScale = type == DataType.Float32 ? scaleName : Add(TensorData.Create(Fresh(tensor + ".scale_" + type.ShortName()), type, [], [scale])).Name;
        var view = new QuantizedView(AddActivation(tensor, scale, zero), scale, zero, scaleName, zeroName, qdqScale);
        _views[tensor] = view;
        return view;
    }

    // The uint8 tensor standing for float `tensor`, same shape, its parameters recorded on it.
    private string AddActivation(string tensor, float scale, byte zero)
    {
        var t = _model.Tensor(tensor);
        return Add(new TensorDef(Fresh(tensor + ".q"), DataType.UInt8, t.Shape) { Quant = new QuantParams([scale], [zero]) }).Name;
    }

    // The float tensor back from its stand-in, for float readers and graph outputs (dropped later if nothing reads it).
    private void Dequantize(string tensor, QuantizedView view) =>
        _nodes.Add(new NodeDef(OpType.DequantizeLinear, "", [view.Name, view.QdqScaleTensor, view.ZeroPointTensor], [tensor]));

    private TensorDef Add(TensorDef t)
    {
        if (t.IsConstant)
            _parameters.Add(t.Name);
        return _model.Add(t);
    }

    private string Fresh(string hint) => ModelEdit.UnusedName(_model, hint);
}
