using Mote.Format;
using Xunit;

namespace Mote.Runtime.Tests;

/// <summary>
/// The ONNX backend node tests of the vision and signal operators, run straight through a session (no
/// converter): every input but the first a constant, the first fed while running, then all folded at plan
/// time. The opset-19 DFT cases need the converter's axis rewrite and the expanded cases are other operators,
/// so both are left to the conformance suite; so are the two DFT inverse cases whose expected outputs carry
/// single-precision FFT noise (1.9e-7 where the exact value is 0).
/// </summary>
public class VisionSignalNodeTests
{
    private static readonly string[] Prefixes =
    [
        "test_gridsample", "test_affine_grid_", "test_col2im", "test_deform_conv_", "test_basic_deform_conv_", "test_roialign_",
        "test_maxunpool_", "test_nonmaxsuppression_", "test_dft", "test_stft", "test_hannwindow", "test_hammingwindow",
        "test_blackmanwindow", "test_melweightmatrix",
    ];

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        var root = OnnxNodeTest.Root();
        if (root is null)
            return d;
        foreach (var dir in Directory.GetDirectories(root).Select(Path.GetFileName).Order())
            if (Prefixes.Any(p => dir!.StartsWith(p, StringComparison.Ordinal)) && !dir!.EndsWith("_expanded", StringComparison.Ordinal)
                && !dir.EndsWith("_opset19", StringComparison.Ordinal) && !dir.StartsWith("test_dft_inverse", StringComparison.Ordinal))
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
            var inputs = t.Inputs.Select((x, i) => new OpInput(x, Constant: !runtimeInput || i > 0)).ToList();
            // Restore omitted optional inputs at their positions (the node names them "").
            var bound = new List<OpInput>();
            int k = 0;
            foreach (var n in t.Node.Inputs)
                bound.Add(n.Length == 0 ? new OpInput(null) : inputs[k++]);
            var outs = OpRunner.Run(t.Node.Op, [.. bound], t.Outputs.Length, fold: !runtimeInput, [.. t.Node.Attributes]);
            for (int o = 0; o < t.Outputs.Length; o++)
            {
                var e = t.Outputs[o];
                Assert.Equal(e.Shape.ToArray(), outs[o].Shape.ToArray());
                // The suite's tolerance: several expected outputs are printed to 4 decimals.
                if (e.Type == DataType.Float32)
                    ScalarReference.AssertClose(outs[o].ToArray<float>(), e.ToArray<float>().Select(v => (double)v).ToArray(), 1e-3, 1e-6,
                        $"{name} output {o} ({(runtimeInput ? "run time" : "folded")})");
                else
                    OpRunner.AssertSame(e, outs[o], $"{name} output {o}");
            }
        }
    }
}
