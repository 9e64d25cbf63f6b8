using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// The ONNX backend node tests of the shape and data-movement operators, run through a session:
/// data input 0 fed at run time (other inputs constants, as a converted model would have them),
/// then everything folded as constants.
/// </summary>
public class OnnxNodeTests
{
    private static readonly string[] Prefixes =
    [
        "test_resize_", "test_concat_", "test_split_", "test_slice", "test_gather_", "test_gatherelements_", "test_gathernd_",
        "test_scatter_elements_", "test_scatternd", "test_squeeze", "test_unsqueeze", "test_flatten_", "test_transpose_",
        "test_expand_", "test_tile", "test_constant_pad", "test_edge_pad", "test_reflect_pad", "test_wrap_pad", "test_constantofshape_",
        "test_range_", "test_size", "test_depthtospace_", "test_spacetodepth", "test_tril", "test_triu", "test_onehot_",
        "test_eyelike_", "test_top_k", "test_reversesequence_", "test_compress_", "test_nonzero_", "test_unique_",
    ];

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        var root = OnnxNodeTest.Root();
        if (root is null)
            return d;
        foreach (var dir in Directory.GetDirectories(root).Select(Path.GetFileName).Order())
            if (Prefixes.Any(p => dir!.StartsWith(p, StringComparison.Ordinal)) && !dir!.EndsWith("_expanded", StringComparison.Ordinal)
                && !dir.Contains("_expanded_", StringComparison.Ordinal) && !dir.Contains("to_sequence", StringComparison.Ordinal))
                d.Add(dir!);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxReferenceOutputs(string name)
    {
        var t = OnnxNodeTest.Load(name);
        foreach (bool runtimeInput in new[] { true, false })
        {
            var model = new ModelDef();
            var feeds = new List<NamedTensor>();
            for (int i = 0; i < t.Inputs.Length; i++)
            {
                var x = t.Inputs[i];
                var dims = x.Shape.ToArray().Select(v => (Dim)v).ToArray();
                if (runtimeInput && i == 0)
                {
                    model.Add(new TensorDef(t.InputNames[i], x.Type, dims));
                    model.Graph.Inputs.Add(t.InputNames[i]);
                    feeds.Add(new NamedTensor(t.InputNames[i], x));
                }
                else
                    model.Add(new TensorDef(t.InputNames[i], x.Type, dims, x.Memory.ToArray()));
            }
            // Outputs declared with the reference's type: 16-bit floats compute in f32 and narrow on the way out.
            var declared = t.Node.Outputs.Where(o => o.Length > 0).ToArray();
            for (int k = 0; k < declared.Length; k++)
                model.Add(new TensorDef(declared[k], k < t.Outputs.Length ? t.Outputs[k].Type : DataType.Undefined, null));
            model.Graph.Outputs.AddRange(t.Node.Outputs.Where(o => o.Length > 0));
            model.Graph.Nodes.Add(t.Node);
            SessionOutputs result;
            try
            {
                using var session = MoteModel.FromDefinition(model).CreateSession();
                result = session.Run(feeds);
            }
            catch (MoteNotSupportedException e) when (runtimeInput && e.Message.Contains("runtime value of input 0"))
            {
                // Input 0 determines the output shape (ConstantOfShape, NonZero, ...): only the folded run applies.
                continue;
            }
            var outs = t.Node.Outputs.Where(o => o.Length > 0).ToArray();
            for (int k = 0; k < t.Outputs.Length; k++)
                Compare(t.Outputs[k], result[outs[k]], $"{name} output {k} ({(runtimeInput ? "run time" : "folded")})");
        }
    }

    private static void Compare(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual} != {expected}");
        if (expected.Type is DataType.Float32 or DataType.Float16 or DataType.BFloat16 && actual.Type == expected.Type)
        {
            OpRunner.AssertClose(expected.ToSingleArray(), Tensor.FromArray(actual.ToSingleArray(), actual.Shape.ToArray()), 1e-4f, what);
            return;
        }
        OpRunner.AssertSame(expected, actual, what);
    }
}
