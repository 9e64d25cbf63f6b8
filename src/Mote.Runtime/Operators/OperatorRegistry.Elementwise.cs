using Mote.Format;
using Mote.Kernels.Elementwise;
using Mote.Runtime.Operators.Elementwise;
using Mote.Runtime.Operators.Mathematics;
using Mote.Runtime.Operators.Normalization;
using Mote.Runtime.Operators.Reduce;

namespace Mote.Runtime.Operators;

internal static partial class OperatorRegistry
{
    static partial void RegisterElementwise(Dictionary<OpType, Func<NodeDef, BuildContext, Operator>> d)
    {
        // Binary arithmetic and friends (broadcasting).
        d[OpType.Add] = (n, _) => new ArithmeticOperator<AddArithmetic>(n);
        d[OpType.Sub] = (n, _) => new ArithmeticOperator<SubArithmetic>(n);
        d[OpType.Mul] = (n, _) => new ArithmeticOperator<MulArithmetic>(n);
        d[OpType.Div] = (n, _) => new ArithmeticOperator<DivArithmetic>(n);
        d[OpType.Pow] = (n, _) => new PowOperator(n);
        d[OpType.Mod] = (n, _) => new ModOperator(n);
        d[OpType.PRelu] = (n, _) => new PReluOperator(n);
        d[OpType.Max] = (n, _) => new VariadicOperator(n);
        d[OpType.Min] = (n, _) => new VariadicOperator(n);
        d[OpType.Sum] = (n, _) => new VariadicOperator(n);
        d[OpType.Mean] = (n, _) => new VariadicOperator(n);
        d[OpType.BitShift] = (n, _) => new BitwiseOperator(n);
        d[OpType.BitwiseAnd] = (n, _) => new BitwiseOperator(n);
        d[OpType.BitwiseOr] = (n, _) => new BitwiseOperator(n);
        d[OpType.BitwiseXor] = (n, _) => new BitwiseOperator(n);
        d[OpType.BitwiseNot] = (n, _) => new NotOperator(n);

        // Comparison and logic.
        d[OpType.Equal] = (n, _) => new CompareOperator<EqualComparison>(n);
        d[OpType.Less] = (n, _) => new CompareOperator<LessComparison>(n);
        d[OpType.LessOrEqual] = (n, _) => new CompareOperator<LessOrEqualComparison>(n);
        d[OpType.Greater] = (n, _) => new CompareOperator<GreaterComparison>(n);
        d[OpType.GreaterOrEqual] = (n, _) => new CompareOperator<GreaterOrEqualComparison>(n);
        d[OpType.And] = (n, _) => new LogicalOperator(n);
        d[OpType.Or] = (n, _) => new LogicalOperator(n);
        d[OpType.Xor] = (n, _) => new LogicalOperator(n);
        d[OpType.Not] = (n, _) => new NotOperator(n);
        d[OpType.Where] = (n, _) => new WhereOperator(n);
        d[OpType.IsNaN] = (n, _) => new FloatClassOperator(n);
        d[OpType.IsInf] = (n, _) => new FloatClassOperator(n);
        d[OpType.Cast] = (n, b) => new CastOperator(n, b);
        d[OpType.BitCast] = (n, b) => new BitCastOperator(n, b);
        d[OpType.CastLike] = (n, b) => new CastOperator(n, b);

        // Activations: vectorized f32 kernels (Mote.Kernels.Elementwise), scalar f64.
        d[OpType.Relu] = (n, _) => new FloatFunctionOperator<ReluFn, ReluIntegers>(n, default, default);
        d[OpType.LeakyRelu] = (n, _) => Float(n, new LeakyReluFn(n.GetFloat("alpha", 0.01f)));
        d[OpType.HardSigmoid] = (n, _) => Float(n, new HardSigmoidFn(n.GetFloat("alpha", 0.2f), n.GetFloat("beta", 0.5f)));
        d[OpType.HardSwish] = (n, _) => Float(n, new HardSwishFn());
        d[OpType.ThresholdedRelu] = (n, _) => Float(n, new ThresholdedReluFn(n.GetFloat("alpha", 1f)));
        d[OpType.Shrink] = (n, _) => new FloatFunctionOperator<ShrinkFn, ShrinkIntegers>(n,
            new ShrinkFn(n.GetFloat("lambd", 0.5f), n.GetFloat("bias", 0f)), new ShrinkIntegers(n.GetFloat("lambd", 0.5f), n.GetFloat("bias", 0f)));
        d[OpType.Softsign] = (n, _) => Float(n, new SoftsignFn());
        d[OpType.Sigmoid] = (n, _) => Float(n, new SigmoidFn());
        d[OpType.Swish] = (n, _) => Float(n, new SwishFn(n.GetFloat("alpha", 1f)));
        d[OpType.Tanh] = (n, _) => Float(n, new TanhFn());
        d[OpType.Exp] = (n, _) => Float(n, new ExpFn());
        d[OpType.Erf] = (n, _) => Float(n, new ErfFn());
        d[OpType.Elu] = (n, _) => Float(n, new EluFn(n.GetFloat("alpha", 1f)));
        d[OpType.Selu] = (n, _) => Float(n, new SeluFn(n.GetFloat("alpha", 1.67326319217681884765625f), n.GetFloat("gamma", 1.05070102214813232421875f)));
        d[OpType.Celu] = (n, _) => Float(n, new CeluFn(n.GetFloat("alpha", 1f)));
        d[OpType.Softplus] = (n, _) => Float(n, new SoftplusFn());
        d[OpType.Mish] = (n, _) => Float(n, new MishFn());
        d[OpType.Gelu] = (n, _) => n.GetString("approximate", "none") switch
        {
            "none" => Float(n, new GeluFn()),
            "tanh" => Float(n, new GeluTanhFn()),
            var a => throw new MoteNotSupportedException($"Gelu approximate='{a}' is not 'none' or 'tanh'"),
        };

        // Unary math.
        d[OpType.Abs] = (n, _) => new MathFunctionOperator(n, MathFunction.Abs);
        d[OpType.Neg] = (n, _) => new MathFunctionOperator(n, MathFunction.Neg);
        d[OpType.Sign] = (n, _) => new MathFunctionOperator(n, MathFunction.Sign);
        d[OpType.Floor] = (n, _) => new MathFunctionOperator(n, MathFunction.Floor);
        d[OpType.Ceil] = (n, _) => new MathFunctionOperator(n, MathFunction.Ceil);
        d[OpType.Round] = (n, _) => new MathFunctionOperator(n, MathFunction.Round);
        d[OpType.Sqrt] = (n, _) => new MathFunctionOperator(n, MathFunction.Sqrt);
        d[OpType.Reciprocal] = (n, _) => new MathFunctionOperator(n, MathFunction.Reciprocal);
        d[OpType.Log] = (n, _) => new MathFunctionOperator(n, MathFunction.Log);
        d[OpType.Sin] = (n, _) => new MathFunctionOperator(n, MathFunction.Sin);
        d[OpType.Cos] = (n, _) => new MathFunctionOperator(n, MathFunction.Cos);
        d[OpType.Tan] = (n, _) => new MathFunctionOperator(n, MathFunction.Tan);
        d[OpType.Asin] = (n, _) => new MathFunctionOperator(n, MathFunction.Asin);
        d[OpType.Acos] = (n, _) => new MathFunctionOperator(n, MathFunction.Acos);
        d[OpType.Atan] = (n, _) => new MathFunctionOperator(n, MathFunction.Atan);
        d[OpType.Sinh] = (n, _) => new MathFunctionOperator(n, MathFunction.Sinh);
        d[OpType.Cosh] = (n, _) => new MathFunctionOperator(n, MathFunction.Cosh);
        d[OpType.Asinh] = (n, _) => new MathFunctionOperator(n, MathFunction.Asinh);
        d[OpType.Acosh] = (n, _) => new MathFunctionOperator(n, MathFunction.Acosh);
        d[OpType.Atanh] = (n, _) => new MathFunctionOperator(n, MathFunction.Atanh);
        d[OpType.Clip] = (n, _) => new ClipOperator(n);
        d[OpType.Softmax] = (n, _) => new SoftmaxOperator(n);
        d[OpType.LogSoftmax] = (n, _) => new SoftmaxOperator(n);
        d[OpType.Hardmax] = (n, _) => new SoftmaxOperator(n);
        d[OpType.CumSum] = (n, _) => new CumulativeOperator(n);
        d[OpType.CumProd] = (n, _) => new CumulativeOperator(n);

        // Reductions.
        d[OpType.ReduceSum] = (n, _) => new ReduceOperator(n, ReduceKind.Sum);
        d[OpType.ReduceMean] = (n, _) => new ReduceOperator(n, ReduceKind.Mean);
        d[OpType.ReduceMax] = (n, _) => new ReduceOperator(n, ReduceKind.Max);
        d[OpType.ReduceMin] = (n, _) => new ReduceOperator(n, ReduceKind.Min);
        d[OpType.ReduceProd] = (n, _) => new ReduceOperator(n, ReduceKind.Prod);
        d[OpType.ReduceL1] = (n, _) => new ReduceOperator(n, ReduceKind.L1);
        d[OpType.ReduceL2] = (n, _) => new ReduceOperator(n, ReduceKind.L2);
        d[OpType.ReduceLogSum] = (n, _) => new ReduceOperator(n, ReduceKind.LogSum);
        d[OpType.ReduceLogSumExp] = (n, _) => new ReduceOperator(n, ReduceKind.LogSumExp);
        d[OpType.ReduceSumSquare] = (n, _) => new ReduceOperator(n, ReduceKind.SumSquare);
        d[OpType.ArgMax] = (n, _) => new ArgOperator(n);
        d[OpType.ArgMin] = (n, _) => new ArgOperator(n);

        // Normalization.
        d[OpType.BatchNormalization] = (n, b) => new BatchNormalizationOperator(n, b);
        d[OpType.InstanceNormalization] = (n, _) => new InstanceNormalizationOperator(n);
        d[OpType.LayerNormalization] = (n, _) => new LayerNormalizationOperator(n);
        d[OpType.RMSNormalization] = (n, _) => new LayerNormalizationOperator(n);
        d[OpType.GroupNormalization] = (n, _) => new GroupNormalizationOperator(n);
        d[OpType.LpNormalization] = (n, _) => new LpNormalizationOperator(n);
        d[OpType.MeanVarianceNormalization] = (n, _) => new MeanVarianceNormalizationOperator(n);
    }

    private static FloatFunctionOperator<TFn, FloatsOnly> Float<TFn>(NodeDef node, TFn fn) where TFn : struct, IUnaryOperatorF32, IUnaryOperatorF64 =>
        new(node, fn, default);
}
