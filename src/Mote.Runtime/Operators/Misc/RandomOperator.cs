using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Misc;

/// <summary>
/// ONNX RandomUniform, RandomNormal (shape from the <c>shape</c> attribute) and RandomUniformLike,
/// RandomNormalLike (shape of the input): uniform in [low, high) or normal(mean, scale), f32 or f64
/// (<c>dtype</c>; 16-bit floats are produced in f32, the compute type). Outputs are random, so the node
/// is never evaluated ahead of the run (<see cref="IsDeterministic"/> is false).
/// </summary>
internal sealed class RandomOperator : Operator
{
    private readonly bool _normal, _like;
    private readonly long? _dtype;
    private readonly float _a, _b;
    private readonly float? _seed;
    private readonly int[]? _shape;

    public RandomOperator(NodeDef node) : base(node)
    {
        _normal = node.Op is OpType.RandomNormal or OpType.RandomNormalLike;
        _like = node.Op is OpType.RandomUniformLike or OpType.RandomNormalLike;
        _dtype = node.Attribute("dtype") is not null ? node.GetInt("dtype", 1) : null;
        _a = _normal ? node.GetFloat("mean", 0) : node.GetFloat("low", 0);
        _b = _normal ? node.GetFloat("scale", 1) : node.GetFloat("high", 1);
        _seed = node.Attribute("seed") is not null ? node.GetFloat("seed", 0) : null;
        if (!_like)
            _shape = node.GetIntArray("shape") ?? throw new MoteShapeException($"{node.Op} needs a 'shape' attribute");
    }

    public override bool IsDeterministic => false;

    public override void InferShapes(ShapeContext ctx)
    {
        var type = OutputType(_dtype, _like ? ctx.InputType(0) : DataType.Float32, Node.Op);
        ctx.SetOutput(0, type, _like ? ctx.InputShape(0) : _shape!);
    }

    public override void Execute(in NodeContext ctx)
    {
        var y = ctx.Output(0);
        var rng = RandomStream.Create(_seed);
        if (y.Type == DataType.Float64)
        {
            var s = y.Span<double>();
            for (int i = 0; i < s.Length; i++)
                s[i] = Draw(ref rng);
        }
        else
        {
            var s = y.Span<float>();
            for (int i = 0; i < s.Length; i++)
                s[i] = (float)Draw(ref rng);
        }
    }

    private double Draw(ref RandomStream rng) => _normal ? _a + _b * rng.NextNormal() : _a + (_b - (double)_a) * rng.NextDouble();

    /// <summary>The compute type of a random float output: f64, or f32 for f32/f16/bf16.</summary>
    internal static DataType OutputType(long? dtype, DataType fallback, OpType op) => (dtype is { } d ? (DataType)d : fallback) switch
    {
        DataType.Float64 => DataType.Float64,
        DataType.Float32 or DataType.Float16 or DataType.BFloat16 => DataType.Float32,
        var t => throw new MoteNotSupportedException($"{op} output type {t.ShortName()} is not a float type"),
    };
}
