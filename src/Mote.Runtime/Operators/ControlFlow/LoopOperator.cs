using Mote.Format;
using Mote.Runtime.Execution;
using Mote.Runtime.Graph;

namespace Mote.Runtime.Operators.ControlFlow;

/// <summary>
/// ONNX Loop: runs <c>body</c> while the trip count (input M, optional) and the condition (input
/// cond, optional, then the body's first output) allow, carrying N values between iterations and
/// stacking K scan outputs along a new leading axis.
/// </summary>
internal sealed class LoopOperator : Operator, IDisposable
{
    private readonly SubgraphRunner _body;
    private readonly string[] _outer;

    public LoopOperator(NodeDef node, BuildContext build) : base(node)
    {
        var body = node.GetGraph("body") ?? throw new MoteFormatException($"{node.Describe()} has no body");
        _body = new SubgraphRunner(build, body);
        _outer = _body.ImplicitInputNames;
        int carried = node.Inputs.Count - 2;
        if (carried < 0 || body.Inputs.Count != carried + 2 || body.Outputs.Count < carried + 1)
            throw new MoteFormatException($"{node.Describe()}: the body must take 2 + {Math.Max(0, carried)} inputs and give 1 + {Math.Max(0, carried)} outputs plus scan outputs");
    }

    public override IReadOnlyList<string> OuterNames => _outer;

    public override bool ShapesKnownAfterRun => true;

    public override void InferShapes(ShapeContext ctx) => throw new ValueNotKnownException("Loop outputs are shaped by its iterations");

    public override void Execute(in NodeContext ctx) => throw new InvalidOperationException("Loop runs through ExecuteAllocating");

    public override void ExecuteAllocating(in NodeContext ctx, OutputAllocator outputs)
    {
        long? maxTrips = ctx.Input(0).IsNone ? null : ReadScalar<long>(ctx.Input(0), DataType.Int64, "M");
        bool cond = ctx.Input(1).IsNone || ReadScalar<bool>(ctx.Input(1), DataType.Bool, "cond");
        int n = ctx.Inputs.Length - 2;
        int scans = _body.Outputs.Length - 1 - n;
        var carried = new OwnedTensor[n];
        for (int i = 0; i < n; i++)
            carried[i] = OwnedTensor.CopyOf(ctx.Input(2 + i));
        var stacked = Enumerable.Range(0, scans).Select(_ => new List<OwnedTensor>()).ToArray();
        var inputs = SubgraphInputs.Implicit(_body, _outer, ctx.ImplicitInputs);

        // The scalars are reused every iteration and stay referenced while the body reads them.
        var iteration = OwnedTensor.Scalar(DataType.Int64, 0L);
        var condition = OwnedTensor.Scalar(DataType.Bool, true);
        inputs[0] = iteration.Value;
        inputs[1] = condition.Value;
        long trip = 0;
        for (; (maxTrips is null || trip < maxTrips) && cond; trip++)
        {
            iteration.Value.Span<long>()[0] = trip;
            condition.Value.Span<bool>()[0] = cond;
            for (int i = 0; i < n; i++)
                inputs[2 + i] = carried[i].Value;
            using var result = _body.Run(inputs, ctx.Pool, ctx.Profile);
            GC.KeepAlive(carried);
            cond = ReadScalar<bool>(result.Output(0), DataType.Bool, "the body's condition output");
            for (int i = 0; i < n; i++)
                carried[i] = OwnedTensor.CopyOf(result.Output(1 + i));
            for (int k = 0; k < scans; k++)
                stacked[k].Add(OwnedTensor.CopyOf(result.Output(1 + n + k)));
        }

        for (int i = 0; i < n; i++)
            if (outputs.IsWanted(i))
                SubgraphInputs.CopyOut(carried[i].Value, outputs, i);
        for (int k = 0; k < scans; k++)
            if (outputs.IsWanted(n + k))
                Stack(stacked[k], _body.Outputs[1 + n + k], outputs, n + k);
    }

    /// <summary>Stacks per-iteration values along a new axis 0 (all iterations must agree in shape).</summary>
    private void Stack(List<OwnedTensor> slices, TensorDef? declared, OutputAllocator outputs, int k)
    {
        int[] inner = slices.Count > 0 ? slices[0].Value.Shape
            : declared?.HasFixedShape == true ? declared.FixedShape().Select(d => (int)d).ToArray() : [];
        var type = slices.Count > 0 ? slices[0].Value.Type : SessionGraph.ComputeType(declared?.Type ?? DataType.Float32);
        foreach (var s in slices)
            if (!s.Value.Shape.AsSpan().SequenceEqual(inner))
                throw new MoteShapeException($"scan output {k} changes shape between iterations ({ShapeMath.Format(inner)} and {ShapeMath.Format(s.Value.Shape)})");
        var dst = outputs.Allocate(k, type, [slices.Count, .. inner]);
        var bytes = dst.Bytes;
        int size = slices.Count == 0 ? 0 : slices[0].Value.Bytes.Length;
        for (int i = 0; i < slices.Count; i++)
            slices[i].Value.Bytes.CopyTo(bytes.Slice(i * size, size));
    }

    private static T ReadScalar<T>(TensorValue v, DataType type, string what) where T : unmanaged =>
        v.Type == type && v.Count == 1 ? v.Span<T>()[0] : throw new MoteShapeException($"{what} must be one {type.ShortName()}, got {v}");

    public void Dispose() => _body.Dispose();
}
