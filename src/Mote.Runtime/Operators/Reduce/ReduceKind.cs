namespace Mote.Runtime.Operators.Reduce;

/// <summary>
/// The ONNX reductions, each as (map every element, accumulate, finish): Sum (x, +, ·),
/// Mean (x, +, ÷count), Max/Min (x, max/min, ·), Prod (x, ×, ·), L1 (|x|, +, ·), L2 (x², +, √),
/// LogSum (x, +, log), LogSumExp (e^(x−max), +, log + max), SumSquare (x², +, ·).
/// </summary>
internal enum ReduceKind : byte
{
    Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare,
}
