using Mote.Kernels;
using Mote.Kernels.Attention;
using Mote.Kernels.Elementwise;
using Mote.Kernels.Threading;
using Xunit;
using static Mote.Runtime.Tests.ScalarReference;

namespace Mote.Runtime.Tests;

/// <summary>
/// The fused attention kernel against its scalar reference (<see cref="AttentionReference"/>) for every
/// vector width, GEMM tier and thread count, on strided layouts (padded rows) and block boundaries; and
/// steady-state runs allocate nothing.
/// </summary>
public unsafe class AttentionKernelTests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes() => new()
    {
        // batch, q heads, kv heads, q length, kv length, head size, value head size
        { 1, 1, 1, 1, 1, 1, 1 },
        { 2, 4, 2, 7, 9, 5, 3 },
        { 1, 3, 3, 33, 17, 16, 16 },
        { 1, 2, 1, 40, 1100, 12, 7 },   // 29 rows per block: two blocks per head
        { 3, 1, 1, 5, 64, 64, 64 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReferenceForEveryTierAndThreadCount(int b, int hq, int hkv, int sq, int t, int d, int dv)
    {
        // Q and Y in the 3-D layout with two floats of padding per row; K/V 4-D; a float mask broadcast over heads.
        long qRow = hq * d + 2, yRow = hq * dv + 2;
        var q = Floats((int)(b * sq * qRow), 1, -1, 1);
        var k = Floats(b * hkv * t * d, 2, -1, 1);
        var v = Floats(b * hkv * t * dv, 3, -1, 1);
        var mask = Floats(b * sq * t, 4, -3, 1).Select(x => x < -2.6f ? float.NegativeInfinity : x).ToArray();
        for (int i = 0; i < b * sq; i++)
            mask[i * t] = 0; // keep one key per row
        var want = new float[b * sq * yRow];
        var wantScores = new float[b * hq * sq * t];
        fixed (float* pq = q, pk = k, pv = v, pm = mask, py = want, ps = wantScores)
        {
            var args = Args(b, hq, hkv, sq, t, d, dv, pq, qRow, pk, pv, pm, py, yRow, ps);
            AttentionReference.Run(in args);
        }
        foreach (var features in new[] { CpuFeatures.None, CpuFeatures.Detect() })
        {
            var kernels = KernelSet.Create(features);
            foreach (var width in SimdWidths.Available.Where(w => w <= SimdWidths.For(features)))
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    using var pool = threads == 1 ? null : new KernelThreadPool(threads);
                    var got = new float[want.Length];
                    var gotScores = new float[wantScores.Length];
                    fixed (float* pq = q, pk = k, pv = v, pm = mask, py = got, ps = gotScores)
                    {
                        var args = Args(b, hq, hkv, sq, t, d, dv, pq, qRow, pk, pv, pm, py, yRow, ps);
                        AttentionF32.Run(in args, kernels.Sgemm, width, pool, new float[AttentionF32.ScratchFloats(in args)]);
                    }
                    string what = $"{kernels.Sgemm.Name} {width} {threads} threads";
                    AssertClose(got, want.Select(x => (double)x).ToArray(), 1e-5, 1e-5, what + ": Y");
                    AssertClose(gotScores, wantScores.Select(x => (double)x).ToArray(), 1e-5, 1e-5, what + ": masked scores");
                }
        }
    }

    [Fact]
    public void SteadyStateRunsDoNotAllocate()
    {
        int b = 1, hq = 4, hkv = 2, sq = 16, t = 48, d = 8, dv = 8;
        var q = Floats(b * sq * hq * d, 1);
        var k = Floats(b * hkv * t * d, 2);
        var v = Floats(b * hkv * t * dv, 3);
        var mask = new float[b * sq * t];
        var y = new float[b * sq * hq * dv];
        var scores = new float[b * hq * sq * t];
        var kernels = KernelSet.Create(CpuFeatures.Detect());
        var width = SimdWidths.For(kernels.Features);
        using var pool = new KernelThreadPool(2);
        fixed (float* pq = q, pk = k, pv = v, pm = mask, py = y, ps = scores)
        {
            var args = Args(b, hq, hkv, sq, t, d, dv, pq, hq * d, pk, pv, pm, py, hq * dv, ps);
            var scratch = new float[AttentionF32.ScratchFloats(in args)];
            for (int i = 0; i < 3; i++)
            {
                AttentionF32.Run(in args, kernels.Sgemm, width, null, scratch);
                AttentionF32.Run(in args, kernels.Sgemm, width, pool, scratch);
            }
            // Which worker takes which block varies, so a worker may meet a code path (and its one-time static
            // set-up) for the first time after the warm-up; a run that allocates, allocates on every run.
            long mine = 0, theirs = 0;
            for (int attempt = 0; attempt < 10; attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread(), workers = pool.WorkerAllocatedBytes;
                AttentionF32.Run(in args, kernels.Sgemm, width, null, scratch);
                AttentionF32.Run(in args, kernels.Sgemm, width, pool, scratch);
                mine = GC.GetAllocatedBytesForCurrentThread() - before;
                theirs = pool.WorkerAllocatedBytes - workers;
                if (mine == 0 && theirs == 0)
                    break;
            }
            Assert.Equal(0, mine);
            Assert.Equal(0, theirs);
        }
    }

    private static AttentionArgs Args(int b, int hq, int hkv, int sq, int t, int d, int dv, float* q, long qRow, float* k, float* v, float* mask, float* y, long yRow, float* scores) => new()
    {
        Batch = b, QueryHeads = hq, KvHeads = hkv, QueryLength = sq, KvLength = t, HeadSize = d, ValueHeadSize = dv,
        Query = new AttentionTensor(q, sq * qRow, d, qRow),
        Key = new AttentionTensor(k, (long)hkv * t * d, (long)t * d, d),
        Value = new AttentionTensor(v, (long)hkv * t * dv, (long)t * dv, dv),
        Output = new AttentionTensor(y, sq * yRow, dv, yRow),
        Scale = 0.3f, Softcap = 1.7f, Causal = true, CausalOffset = t - sq,
        MaskKind = AttentionMaskKind.Additive, Mask = mask, MaskBatchStride = (long)sq * t, MaskHeadStride = 0, MaskRowStride = t, MaskColumns = t,
        Scores = new AttentionTensor(scores, (long)hq * sq * t, (long)sq * t, t), ScoreStage = AttentionScoreStage.Masked,
    };
}
