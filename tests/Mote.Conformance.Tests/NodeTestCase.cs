using Mote.Convert;
using Mote.Convert.Onnx;
using Mote.Format;
using Mote.Runtime;

namespace Mote.Conformance.Tests;

/// <summary>Runs one ONNX backend node-test case through <c>mote convert</c>, the .mote file and the runtime.</summary>
internal static class NodeTestCase
{
    private static readonly HashSet<string> TrainingOps = ["Adagrad", "Adam", "Momentum", "Gradient"];
    private static readonly HashSet<string> SequenceOps = ["SequenceAt", "SequenceConstruct", "SequenceEmpty", "SequenceErase", "SequenceInsert",
        "SequenceLength", "SequenceMap", "SplitToSequence", "ConcatFromSequence", "Optional", "OptionalGetElement", "OptionalHasElement"];
    private static readonly HashSet<string> CodecOps = ["ImageDecoder", "RegexFullMatch", "StringConcat", "StringSplit", "StringNormalizer", "TfIdfVectorizer"];
    // ONNX element types Mote leaves out: float8 (17-20, 24), uint4/int4 (21, 22), float4 (23), 2-bit (25, 26), string (8).
    private static readonly HashSet<int> OutOfScopeTypes = [8, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];

    public static CaseResult Run(string dir, string scratch)
    {
        var name = Path.GetFileName(dir);
        var modelPath = Path.Combine(dir, "model.onnx");
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var op = Attribution.OperatorOf(name, proto);
        long opset = proto.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        var inputTypes = string.Join(",", proto.Graph.Input.Where(i => !proto.Graph.Initializer.Any(t => t.Name == i.Name))
            .Select(i => i.Type?.TensorType is { } tt ? TypeName(tt.ElemType) : "seq").Distinct());
        // Out-of-scope cases run too: they may fail or be unsupported, but never crash or hang.
        string? outOfScope = OutOfScope(proto, opset);
        CaseResult Result(CaseStatus s, string detail) => outOfScope is null
            ? new(name, op, opset, inputTypes, s, detail)
            : new(name, op, opset, inputTypes, CaseStatus.OutOfScope, s == CaseStatus.Pass ? outOfScope + " (passes)" : $"{outOfScope}: {detail}");

        string motePath = Path.Combine(scratch, name + ".mote");
        try
        {
            MoteWriter.Write(Converter.Convert(modelPath).Model, motePath);
        }
        catch (OnnxImportException e)
        {
            return Result(IsUnsupported(e.Message) ? CaseStatus.Unsupported : CaseStatus.Fail, "convert: " + e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Result(CaseStatus.Fail, $"convert crashed: {e.GetType().Name}: {e.Message}");
        }

        try
        {
            using var model = MoteModel.Load(motePath);
            using var session = model.CreateSession();
            foreach (var set in Directory.GetDirectories(dir, "test_data_set_*").Order())
            {
                var verdict = RunDataSet(session, set);
                if (verdict is not null)
                    return Result(CaseStatus.Fail, $"{Path.GetFileName(set)}: {verdict}");
            }
            return Result(CaseStatus.Pass, "");
        }
        catch (MoteNotSupportedException e)
        {
            return Result(CaseStatus.Unsupported, "runtime: " + e.Message);
        }
        catch (MoteException e)
        {
            return Result(CaseStatus.Fail, $"runtime: {e.GetType().Name}: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Result(CaseStatus.Fail, $"runtime crashed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            File.Delete(motePath);
        }
    }

    /// <summary>Null when every output matches, else what differs.</summary>
    private static string? RunDataSet(InferenceSession session, string set)
    {
        var inputs = Directory.GetFiles(set, "input_*.pb").OrderBy(Index).Select(p => OnnxTensorFile.Read(p)).ToList();
        var expected = Directory.GetFiles(set, "output_*.pb").OrderBy(Index).Select(p => OnnxTensorFile.Read(p)).ToList();
        if (inputs.Count != session.Inputs.Count)
            return $"the case gives {inputs.Count} inputs, the converted model takes {session.Inputs.Count}";
        var feeds = inputs.Select((t, i) => new NamedTensor(session.Inputs[i].Name, ToTensor(t))).ToList();
        var outputs = session.Run(feeds);
        if (outputs.Count != expected.Count)
            return $"{outputs.Count} outputs, expected {expected.Count}";
        for (int i = 0; i < expected.Count; i++)
            if (Tolerance.Compare(outputs[i].Value, ToTensor(expected[i])) is { } diff)
                return $"output {i} '{outputs[i].Name}': {diff}";
        return null;
    }

    private static Tensor ToTensor(TensorDef t) => Tensor.FromBytes(t.Type, t.Data!.Value.ToArray(), t.FixedShape().Select(d => (int)d).ToArray());

    private static int Index(string path)
    {
        var s = Path.GetFileNameWithoutExtension(path);
        return int.Parse(s[(s.LastIndexOf('_') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? OutOfScope(ModelProto proto, long opset)
    {
        if (opset >= 27)
            return "opset 27 is newer than the reference runtime";
        var ops = AllNodes(proto.Graph).Select(n => n.OpType).ToHashSet();
        if (AllNodes(proto.Graph).Any(n => n.Domain is not ("" or "ai.onnx")))
            return "operator outside the default ONNX domain (ai.onnx.ml, ai.onnx.preview)";
        if (ops.Overlaps(TrainingOps))
            return "training operator";
        if (ops.Overlaps(CodecOps))
            return "string or image codec operator";
        // Sequence and optional values are in scope only where a real model needs them (none so far).
        if (proto.Graph.Input.Concat(proto.Graph.Output).Any(v => v.Type is { } t && t.TensorType is null) || ops.Overlaps(SequenceOps))
            return "sequence or optional values";
        var types = proto.Graph.Input.Concat(proto.Graph.Output).Select(v => v.Type?.TensorType?.ElemType ?? 0)
            .Concat(proto.Graph.Initializer.Select(t => t.DataType));
        if (types.Any(OutOfScopeTypes.Contains) || AllNodes(proto.Graph).Any(n => n.Attribute.Any(a => a.Name is "to" or "output_dtype" && OutOfScopeTypes.Contains((int)a.I))))
            return "float8, 4-bit, 2-bit or string data";
        return null;
    }

    private static IEnumerable<NodeProto> AllNodes(GraphProto g) =>
        g.Node.SelectMany(n => new[] { n }.Concat(n.Attribute.SelectMany(a => (a.G is null ? [] : new[] { a.G }).Concat(a.Graphs)).SelectMany(AllNodes)));

    private static bool IsUnsupported(string message) =>
        message.Contains("unsupported", StringComparison.OrdinalIgnoreCase) || message.Contains("not supported", StringComparison.OrdinalIgnoreCase)
        || message.Contains("does not support", StringComparison.OrdinalIgnoreCase) || message.Contains("only tensors are supported", StringComparison.OrdinalIgnoreCase);

    private static string TypeName(int onnxType) =>
        Enum.IsDefined((DataType)onnxType) && DataTypeInfo.IsValid((DataType)onnxType) ? ((DataType)onnxType).ShortName() : $"onnx#{onnxType}";
}
