using System.Numerics;
using Mote.Format;
using Mote.Runtime.Operators.Elementwise;

namespace Mote.Runtime.Operators.Misc;

/// <summary>
/// ONNX Det (opset 22): the determinant of each square matrix of x [*, M, M], f32/f64, by LU
/// decomposition with partial pivoting computed in double (the product of the pivots, negated per row
/// swap). A 0×0 matrix has determinant 1.
/// </summary>
internal sealed class DetOperator(NodeDef node) : Operator(node)
{
    public override void InferShapes(ShapeContext ctx)
    {
        var t = ctx.InputType(0);
        TypeDispatch.Require(TypeDispatch.IsFloat(t), Node.Op, t);
        var x = ctx.InputShape(0);
        if (x.Length < 2 || x[^1] != x[^2])
            throw new MoteShapeException($"Det input must be [*, M, M], got {ShapeMath.Format(x)}");
        ctx.SetOutput(0, t, x[..^2]);
        ctx.RequestScratch((long)x[^1] * x[^1] * sizeof(double));
    }

    public override void Execute(in NodeContext ctx)
    {
        if (ctx.Input(0).Type == DataType.Float32)
            Run<float>(ctx);
        else
            Run<double>(ctx);
    }

    private static void Run<T>(in NodeContext ctx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var input = ctx.Input(0);
        int m = input.Shape[^1];
        var x = input.Span<T>();
        var y = ctx.Output(0).Span<T>();
        var a = ctx.ScratchAs<double>(0, m * m);
        for (int i = 0; i < y.Length; i++)
        {
            for (int e = 0; e < m * m; e++)
                a[e] = double.CreateTruncating(x[i * m * m + e]);
            y[i] = T.CreateTruncating(Determinant(a, m));
        }
    }

    /// <summary>Determinant of the row-major m×m matrix <paramref name="a"/>, which it overwrites with its LU factors.</summary>
    internal static double Determinant(Span<double> a, int m)
    {
        double det = 1;
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++)
                if (Math.Abs(a[r * m + col]) > Math.Abs(a[pivot * m + col]))
                    pivot = r;
            if (a[pivot * m + col] == 0)
                return 0;
            if (pivot != col)
            {
                for (int c = 0; c < m; c++)
                    (a[col * m + c], a[pivot * m + c]) = (a[pivot * m + c], a[col * m + c]);
                det = -det;
            }
            double p = a[col * m + col];
            det *= p;
            for (int r = col + 1; r < m; r++)
            {
                double f = a[r * m + col] / p;
                for (int c = col + 1; c < m; c++)
                    a[r * m + c] -= f * a[col * m + c];
            }
        }
        return det;
    }
}
