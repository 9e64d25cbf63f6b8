using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators.ControlFlow;

/// <summary>
/// ONNX Scan (opset 9+ form): N state values and M scan inputs; the body runs once per slice of the
/// scan inputs along their scan axes (optionally reversed), carrying the states, and its K extra
/// outputs are stacked into the scan outputs along their axes.
/// </summary>
internal sealed class ScanOperator : Operator, IDisposable
{
    private readonly SubgraphRunner _body;
    private readonly string[] _outer;
    private readonly int _scanInputs;
    private readonly long[] _inAxes, _inDirections, _outAxes, _outDirections;

    public ScanOperator(NodeDef node, BuildContext build) : base(node)
    {
        var body = node.GetGraph("body") ?? throw new MoteFormatException($"{node.Describe()} has no body");
        _body = new SubgraphRunner(build, body);
        _outer = _body.ImplicitInputNames;
        _scanInputs = (int)node.GetInt("num_scan_inputs", -1);
        int states = node.Inputs.Count - _scanInputs;
        if (_scanInputs < 1 || states < 0 || body.Inputs.Count != node.Inputs.Count || body.Outputs.Count != node.Outputs.Count)
            throw new MoteNotSupportedException("Scan needs num_scan_inputs ≥ 1 and a body with one input per node input and one output per node output (the opset-8 form with sequence_lens is not supported)");
        int scanOutputs = node.Outputs.Count - states;
        _inAxes = node.GetInts("scan_input_axes") ?? new long[_scanInputs];
        _inDirections = node.GetInts("scan_input_directions") ?? new long[_scanInputs];
        _outAxes = node.GetInts("scan_output_axes") ?? new long[scanOutputs];
        _outDirections = node.GetInts("scan_output_directions") ?? new long[scanOutputs];
    }

    public override IReadOnlyList<string> OuterNames => _outer;

    public override bool ShapesKnownAfterRun => true;

    public override void InferShapes(ShapeContext ctx) => throw new ValueNotKnownException("Scan outputs are shaped by its iterations");

    public override void Execute(in NodeContext ctx) => throw new InvalidOperationException("Scan runs through ExecuteAllocating");

    public override void ExecuteAllocating(in NodeContext ctx, OutputAllocator outputs)
    {
        int states = ctx.Inputs.Length - _scanInputs;
        int scanOutputs = Node.Outputs.Count - states;
        var carried = new OwnedTensor[states];
        for (int i = 0; i < states; i++)
            carried[i] = OwnedTensor.CopyOf(ctx.Input(i));
        var scanIn = new (TensorValue Value, int Axis)[_scanInputs];
        int length = -1;
        for (int j = 0; j < _scanInputs; j++)
        {
            var v = ctx.Input(states + j);
            int axis = ShapeMath.Axis(_inAxes[j], v.Rank, "scan_input_axes");
            scanIn[j] = (v, axis);
            if (length >= 0 && v.Shape[axis] != length)
                throw new MoteShapeException($"scan inputs disagree on the sequence length ({length} and {v.Shape[axis]})");
            length = v.Shape[axis];
        }
        var slices = Enumerable.Range(0, scanOutputs).Select(_ => new List<OwnedTensor>()).ToArray();
        var inputs = SubgraphInputs.Implicit(_body, _outer, ctx.ImplicitInputs);
        for (int t = 0; t < length; t++)
        {
            for (int i = 0; i < states; i++)
                inputs[i] = carried[i].Value;
            // Slices stay referenced until the body has run: only their raw pointers are in the inputs.
            var slicesIn = new OwnedTensor[_scanInputs];
            for (int j = 0; j < _scanInputs; j++)
            {
                slicesIn[j] = AxisSlices.Take(scanIn[j].Value, scanIn[j].Axis, _inDirections[j] == 1 ? length - 1 - t : t);
                inputs[states + j] = slicesIn[j].Value;
            }
            using var result = _body.Run(inputs, ctx.Pool, ctx.Profile);
            GC.KeepAlive(slicesIn);
            GC.KeepAlive(carried);
            for (int i = 0; i < states; i++)
                carried[i] = OwnedTensor.CopyOf(result.Output(i));
            for (int k = 0; k < scanOutputs; k++)
                slices[k].Add(OwnedTensor.CopyOf(result.Output(states + k)));
        }
        for (int i = 0; i < states; i++)
            if (outputs.IsWanted(i))
                SubgraphInputs.CopyOut(carried[i].Value, outputs, i);
        for (int k = 0; k < scanOutputs; k++)
            if (outputs.IsWanted(states + k))
            {
                if (_outDirections[k] == 1)
                    slices[k].Reverse();
                AxisSlices.Stack(slices[k], _outAxes[k], outputs, states + k);
            }
    }

    public void Dispose() => _body.Dispose();
}
