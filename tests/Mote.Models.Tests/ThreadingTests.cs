using Mote.Cli.Inputs;
using Mote.Runtime;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>A real model gives bit-identical results for every thread count and under concurrent runs of one session.</summary>
public sealed class ThreadingTests(ModelHarness harness) : IClassFixture<ModelHarness>
{
    private static readonly string Slim = SharedData.Path("models", "ultraface", "version-slim-320.onnx");

    private List<NamedTensor[]> Inputs(MoteModel model) => Directory.GetFiles(SharedData.Path("models", "ultraface", "imgs")).Order()
        .Select(p => new[] { new NamedTensor("input", ImageLoader.Load(p, model.Inputs[0], new Dictionary<string, int>(), new ImageOptions { Mean = [127f], Std = [128f] })) })
        .ToList();

    [Fact]
    public void ThreadCountsGiveBitIdenticalOutputs()
    {
        var (model, _) = harness.Load(Slim);
        var inputs = Inputs(model);
        using var one = model.CreateSession(new SessionOptions { Threads = 1 });
        var expected = inputs.Select(i => one.Run(i)).ToList();
        foreach (int threads in new[] { 2, 3 })
        {
            using var many = model.CreateSession(new SessionOptions { Threads = threads });
            for (int i = 0; i < inputs.Count; i++)
            {
                var actual = many.Run(inputs[i]);
                foreach (var e in expected[i])
                    Assert.True(e.Value.Memory.Span.SequenceEqual(actual[e.Name].Memory.Span), $"{threads} threads, image {i}, output {e.Name} differs");
            }
        }
    }

    [Fact]
    public void ConcurrentRunsOfOneSessionMatchSequentialRuns()
    {
        var (model, _) = harness.Load(Slim);
        var inputs = Inputs(model);
        using var session = model.CreateSession(new SessionOptions { Threads = 2 });
        var expected = inputs.Select(i => session.Run(i)["scores"].ToArray<float>()).ToList();
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            int i = k % inputs.Count;
            Assert.Equal(expected[i], session.Run(inputs[i])["scores"].ToArray<float>());
        });
    }
}
