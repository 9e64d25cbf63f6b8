using Mote.Format;

namespace Mote.Convert.Passes;

/// <summary>One graph transformation of the converter. A pass edits the model in place and records what it changed.</summary>
public interface IGraphPass
{
    /// <summary>Short name shown by <c>mote convert</c> (<c>FoldBatchNorm</c>).</summary>
    string Name { get; }

    /// <summary>Transforms <paramref name="model"/>, recording changes in <paramref name="report"/>.</summary>
    void Run(ModelDef model, PassReport report);
}
