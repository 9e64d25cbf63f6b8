using System.Buffers;
using System.Runtime.CompilerServices;
using Mote.Format;
using Mote.Runtime.Execution;

namespace Mote.Runtime.Operators.Vision;

/// <summary>
/// ONNX NonMaxSuppression (opset 11): per batch and class, boxes in descending score order (ties: the
/// lower box index first) are kept unless their IoU with a box already kept for that class exceeds
/// <c>iou_threshold</c>, up to <c>max_output_boxes_per_class</c> (0 when omitted); with
/// <c>score_threshold</c> only boxes scoring above it take part. Output: int64 [selected, 3] rows
/// (batch, class, box), by batch, then class, then selection order. Boxes (f32 [B, n, 4]) are corners
/// [y1, x1, y2, x2] in either order, or [x_center, y_center, width, height] with
/// <c>center_point_box</c> = 1; a box of no area suppresses nothing. NaN scores sort last.
/// </summary>
/// <remarks>The row count depends on every input value, so the node runs as a dynamic step unless all are known before the run.</remarks>
internal sealed class NonMaxSuppressionOperator : Operator
{
    private readonly bool _centerPoint;

    public NonMaxSuppressionOperator(NodeDef node) : base(node)
    {
        long c = node.GetInt("center_point_box", 0);
        _centerPoint = c is 0 or 1 ? c == 1 : throw new MoteShapeException($"center_point_box must be 0 or 1, got {c}");
    }

    public override void InferShapes(ShapeContext ctx)
    {
        ctx.ExpectType(0, "boxes", DataType.Float32);
        ctx.ExpectType(1, "scores", DataType.Float32);
        var boxes = ctx.InputShape(0);
        var scores = ctx.InputShape(1);
        if (boxes is not [var b, var n, 4] || scores is not [var sb, _, var sn] || sb != b || sn != n)
            throw new MoteShapeException($"boxes {ShapeMath.Format(boxes)} must be [B, n, 4] and scores {ShapeMath.Format(scores)} [B, classes, n]");
        if (ctx.HasInput(2))
            ctx.ExpectType(2, "max_output_boxes_per_class", DataType.Int64);
        for (int i = 3; i < 5; i++)
            if (ctx.HasInput(i))
                ctx.ExpectType(i, i == 3 ? "iou_threshold" : "score_threshold", DataType.Float32);
        for (int i = 0; i < 5; i++)
            if (ctx.HasInput(i) && !ctx.IsValueKnown(i))
                throw new ValueNotKnownException($"the number of selected boxes depends on the runtime value of input {i}");
        var job = Job.From(Known(ctx, 0), Known(ctx, 1), Known(ctx, 2), Known(ctx, 3), Known(ctx, 4));
        // Counting needs the whole selection; dynamic steps do this every run, so the buffers are pooled.
        var candidates = ArrayPool<Candidate>.Shared.Rent(n);
        var kept = ArrayPool<int>.Shared.Rent(n);
        try
        {
            ctx.SetOutput(0, DataType.Int64, [Select(job, candidates.AsSpan(0, n), kept.AsSpan(0, n), default), 3]);
        }
        finally
        {
            ArrayPool<Candidate>.Shared.Return(candidates);
            ArrayPool<int>.Shared.Return(kept);
        }
        ctx.RequestScratch(n * (long)(Unsafe.SizeOf<Candidate>() + sizeof(int)));
    }

    public override void Execute(in NodeContext ctx)
    {
        var job = Job.From(ctx.Input(0), ctx.Input(1), ctx.Input(2), ctx.Input(3), ctx.Input(4));
        int n = job.Boxes.Shape[1];
        var candidates = ctx.ScratchAs<Candidate>(0, n);
        var kept = ctx.ScratchAs<int>((long)n * Unsafe.SizeOf<Candidate>(), n);
        Select(job, candidates, kept, ctx.Output(0).Span<long>());
    }

    private static TensorValue Known(ShapeContext ctx, int i) => ctx.TryGetValue(i, out var v) ? v : default;

    /// <summary>Runs the selection; writes the rows when <paramref name="rows"/> is not empty; returns their count.</summary>
    private int Select(in Job job, Span<Candidate> candidates, Span<int> kept, Span<long> rows)
    {
        int batches = job.Boxes.Shape[0], n = job.Boxes.Shape[1], classes = job.Scores.Shape[1];
        var boxes = job.Boxes.Span<float>();
        var scores = job.Scores.Span<float>();
        int total = 0;
        if (job.MaxPerClass <= 0)
            return 0;
        for (int b = 0; b < batches; b++)
        {
            var batchBoxes = boxes.Slice(b * n * 4, n * 4);
            for (int c = 0; c < classes; c++)
            {
                var classScores = scores.Slice((b * classes + c) * n, n);
                int count = 0;
                for (int i = 0; i < n; i++)
                    if (job.ScoreThreshold is not { } t || classScores[i] > t)
                        candidates[count++] = new Candidate(classScores[i], i);
                var sorted = candidates[..count];
                sorted.Sort(default(ByScore));
                int keptCount = 0;
                for (int i = 0; i < count && keptCount < job.MaxPerClass; i++)
                {
                    int box = sorted[i].Index;
                    bool keep = true;
                    for (int j = 0; j < keptCount && keep; j++)
                        keep = !Overlaps(batchBoxes, box, kept[j], job.IouThreshold);
                    if (!keep)
                        continue;
                    kept[keptCount++] = box;
                    if (!rows.IsEmpty)
                    {
                        rows[3 * total] = b;
                        rows[3 * total + 1] = c;
                        rows[3 * total + 2] = box;
                    }
                    total++;
                }
            }
        }
        return total;
    }

    /// <summary>True when the IoU of boxes <paramref name="a"/> and <paramref name="b"/> exceeds the threshold.</summary>
    private bool Overlaps(ReadOnlySpan<float> boxes, int a, int b, float threshold)
    {
        var (ay0, ax0, ay1, ax1) = Corners(boxes.Slice(4 * a, 4));
        var (by0, bx0, by1, bx1) = Corners(boxes.Slice(4 * b, 4));
        float ix = Math.Min(ax1, bx1) - Math.Max(ax0, bx0);
        float iy = Math.Min(ay1, by1) - Math.Max(ay0, by0);
        if (!(ix > 0) || !(iy > 0))
            return false;
        float inter = ix * iy;
        float areaA = (ax1 - ax0) * (ay1 - ay0), areaB = (bx1 - bx0) * (by1 - by0);
        float union = areaA + areaB - inter;
        if (!(areaA > 0) || !(areaB > 0) || !(union > 0))
            return false;
        return inter / union > threshold;
    }

    /// <summary>(y_min, x_min, y_max, x_max) of a box in either input format.</summary>
    private (float Y0, float X0, float Y1, float X1) Corners(ReadOnlySpan<float> box)
    {
        if (_centerPoint)
        {
            float hw = box[2] / 2, hh = box[3] / 2;
            return (box[1] - hh, box[0] - hw, box[1] + hh, box[0] + hw);
        }
        return (Math.Min(box[0], box[2]), Math.Min(box[1], box[3]), Math.Max(box[0], box[2]), Math.Max(box[1], box[3]));
    }

    private readonly record struct Candidate(float Score, int Index);

    /// <summary>Descending score, NaN last, ties by ascending index.</summary>
    private readonly struct ByScore : IComparer<Candidate>
    {
        public int Compare(Candidate a, Candidate b)
        {
            bool na = float.IsNaN(a.Score), nb = float.IsNaN(b.Score);
            if (na != nb)
                return na ? 1 : -1;
            int c = na ? 0 : b.Score.CompareTo(a.Score);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        }
    }

    /// <summary>The inputs of one evaluation, with the optional scalars read.</summary>
    private readonly struct Job
    {
        public TensorValue Boxes { get; init; }
        public TensorValue Scores { get; init; }
        public long MaxPerClass { get; init; }
        public float IouThreshold { get; init; }
        public float? ScoreThreshold { get; init; }

        public static Job From(TensorValue boxes, TensorValue scores, TensorValue max, TensorValue iou, TensorValue score) => new()
        {
            Boxes = boxes,
            Scores = scores,
            MaxPerClass = max.IsNone || max.Count == 0 ? 0 : max.Span<long>()[0],
            IouThreshold = iou.IsNone || iou.Count == 0 ? 0 : iou.Span<float>()[0],
            ScoreThreshold = score.IsNone || score.Count == 0 ? null : score.Span<float>()[0],
        };
    }
}
