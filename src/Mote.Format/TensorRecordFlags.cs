namespace Mote.Format;

/// <summary>Flag byte of a tensor record in the graph section (docs/format.md). Unknown bits make a file invalid.</summary>
[Flags]
internal enum TensorRecordFlags : byte
{
    None = 0,
    /// <summary>A rank and dimensions follow; otherwise the rank is unknown.</summary>
    HasShape = 1,
    /// <summary>Quantization parameters follow.</summary>
    HasQuant = 2,
    /// <summary>The tensor is a constant; a data offset and length into the weights section follow.</summary>
    Constant = 4,
    /// <summary>Every bit defined by format 1.0.</summary>
    Known = HasShape | HasQuant | Constant,
}

/// <summary>Kind byte of quantization parameters in a tensor record.</summary>
internal enum QuantKind : byte
{
    PerTensor = 1,
    PerAxis = 2,
}
