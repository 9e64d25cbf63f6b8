using Xunit;
using Mote.Runtime.Planning;

namespace Mote.Runtime.Tests;

public class ArenaAllocatorTests
{
    [Fact]
    public void ValuesAliveTogetherNeverOverlapAndDeadOnesShare()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            var reqs = new List<ArenaAllocator.Request>();
            int count = rng.Next(1, 40);
            for (int i = 0; i < count; i++)
            {
                int first = rng.Next(0, 30);
                reqs.Add(new(i, rng.Next(1, 5000), first, first + rng.Next(0, 6)));
            }
            var (offsets, total) = ArenaAllocator.Assign(reqs);
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(0, offsets[i] % ArenaAllocator.Alignment);
                Assert.True(offsets[i] + reqs[i].Bytes <= total);
                for (int j = i + 1; j < count; j++)
                {
                    bool timeOverlap = reqs[i].First <= reqs[j].Last && reqs[j].First <= reqs[i].Last;
                    bool spaceOverlap = offsets[i] < offsets[j] + reqs[j].Bytes && offsets[j] < offsets[i] + reqs[i].Bytes;
                    Assert.False(timeOverlap && spaceOverlap, $"trial {trial}: {reqs[i]} and {reqs[j]} overlap");
                }
            }
            // Never worse than giving every value its own block.
            Assert.True(total <= reqs.Sum(r => ArenaAllocator.AlignUp(r.Bytes)));
        }
    }

    [Fact]
    public void AChainReusesMemory()
    {
        // a -> b -> c -> d, each alive for two consecutive steps: two blocks suffice.
        var reqs = Enumerable.Range(0, 4).Select(i => new ArenaAllocator.Request(i, 1024, i, i + 1)).ToList();
        var (_, total) = ArenaAllocator.Assign(reqs);
        Assert.Equal(2048, total);
    }
}
