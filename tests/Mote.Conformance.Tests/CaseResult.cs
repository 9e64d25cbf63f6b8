namespace Mote.Conformance.Tests;

/// <summary>How one ONNX backend node-test case ended.</summary>
public enum CaseStatus
{
    /// <summary>Every output matched within ONNX's tolerance.</summary>
    Pass,
    /// <summary>Wrong numbers or shapes, or an error that is not a clear "unsupported": a defect.</summary>
    Fail,
    /// <summary>A clear error naming an operator, attribute or data type Mote does not implement.</summary>
    Unsupported,
    /// <summary>Outside the scope we aim for (training operators, float8/4-bit/2-bit types, opset 27, codecs).</summary>
    OutOfScope,
}

/// <summary>One case's outcome.</summary>
/// <param name="Name">Case directory name (<c>test_conv_with_strides_padding</c>).</param>
/// <param name="Operator">The operator the case tests.</param>
/// <param name="Opset">Default-domain opset of the case's model.</param>
/// <param name="InputTypes">Element types of its inputs (<c>f32,i64</c>).</param>
/// <param name="Status">Outcome.</param>
/// <param name="Detail">Why, for anything but a pass.</param>
public sealed record CaseResult(string Name, string Operator, long Opset, string InputTypes, CaseStatus Status, string Detail);
