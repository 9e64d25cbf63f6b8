namespace Mote.Kernels.Attention;

/// <summary>How the attention mask is stored.</summary>
public enum AttentionMaskKind
{
    /// <summary>No mask.</summary>
    None = 0,
    /// <summary>f32 values added to the scores (−∞ removes a key).</summary>
    Additive = 1,
    /// <summary>One byte per score: nonzero keeps the key, zero removes it (adds −∞).</summary>
    Boolean = 2,
}

/// <summary>
/// Which intermediate of the score rows the optional score output receives, numbered as ONNX
/// Attention's <c>qk_matmul_output_mode</c>.
/// </summary>
public enum AttentionScoreStage
{
    /// <summary>scale·Q·Kᵀ.</summary>
    Product = 0,
    /// <summary>After the soft cap c·tanh(x/c) (the product when there is none).</summary>
    Softcapped = 1,
    /// <summary>After the mask, the causal mask and the key padding were added.</summary>
    Masked = 2,
    /// <summary>The softmax probabilities.</summary>
    Softmax = 3,
}

/// <summary>
/// A strided four-dimensional f32 view [batch, head, row, column] whose last dimension is contiguous.
/// Strides are in elements. ONNX's 3-D attention layout [B, S, H·d] is <c>(S·H·d, d, H·d)</c>, the 4-D
/// layout [B, H, S, d] is <c>(H·S·d, S·d, d)</c>.
/// </summary>
public unsafe struct AttentionTensor
{
    /// <summary>Element [0, 0, 0, 0].</summary>
    public float* Data;

    /// <summary>Elements between consecutive batches.</summary>
    public long BatchStride;

    /// <summary>Elements between consecutive heads.</summary>
    public long HeadStride;

    /// <summary>Elements between consecutive rows (≥ the row length).</summary>
    public long RowStride;

    /// <summary>Creates a view.</summary>
    public AttentionTensor(float* data, long batchStride, long headStride, long rowStride)
    {
        Data = data;
        BatchStride = batchStride;
        HeadStride = headStride;
        RowStride = rowStride;
    }

    /// <summary>The first element of row <paramref name="row"/> of head <paramref name="head"/> in batch <paramref name="batch"/>.</summary>
    public readonly float* Row(int batch, int head, int row) => Data + batch * BatchStride + head * HeadStride + row * RowStride;
}

/// <summary>
/// One scaled dot-product attention problem (ONNX Attention after the operator resolved its layouts):
/// for every batch b and query head h (key/value head h / (QueryHeads / KvHeads)),
/// <c>Y = softmax(mask(softcap(scale·Q·Kᵀ))) · V</c> with Q [QueryLength × HeadSize], K [KvLength × HeadSize],
/// V [KvLength × ValueHeadSize], Y [QueryLength × ValueHeadSize].
/// </summary>
/// <remarks>
/// Masking adds, in this order: the mask (its columns beyond <see cref="MaskColumns"/> count as −∞), then
/// −∞ above the causal diagonal (query row i keeps keys j ≤ i + offset, the offset being
/// <see cref="CausalOffset"/>, or <c>KvValidLengths[b] − QueryLength</c> when
/// <see cref="CausalOffsetFromValidLengths"/>), then −∞ for keys at or past <c>KvValidLengths[b]</c>.
/// A row whose every key is removed has no defined softmax and comes out NaN, as in the ONNX reference.
/// </remarks>
public unsafe struct AttentionArgs
{
    /// <summary>Batches.</summary>
    public int Batch;

    /// <summary>Query heads (a multiple of <see cref="KvHeads"/>).</summary>
    public int QueryHeads;

    /// <summary>Key/value heads.</summary>
    public int KvHeads;

    /// <summary>Query rows per head.</summary>
    public int QueryLength;

    /// <summary>Key/value rows per head (past and new).</summary>
    public int KvLength;

    /// <summary>Columns of Q and K.</summary>
    public int HeadSize;

    /// <summary>Columns of V and Y.</summary>
    public int ValueHeadSize;

    /// <summary>Queries.</summary>
    public AttentionTensor Query;

    /// <summary>Keys.</summary>
    public AttentionTensor Key;

    /// <summary>Values.</summary>
    public AttentionTensor Value;

    /// <summary>Output (must not overlap the inputs).</summary>
    public AttentionTensor Output;

    /// <summary>Factor applied to Q·Kᵀ.</summary>
    public float Scale;

    /// <summary>Soft cap c &gt; 0 maps scores x to c·tanh(x/c); 0 disables it.</summary>
    public float Softcap;

    /// <summary>Whether keys after the causal diagonal are removed.</summary>
    public bool Causal;

    /// <summary>Number of keys before the first query's own position (the past length).</summary>
    public int CausalOffset;

    /// <summary>When set, the causal offset of batch b is <c>KvValidLengths[b] − QueryLength</c>.</summary>
    public bool CausalOffsetFromValidLengths;

    /// <summary>Per batch, how many leading keys are real (later ones are padding); null when all are.</summary>
    public long* KvValidLengths;

    /// <summary>How <see cref="Mask"/> is stored.</summary>
    public AttentionMaskKind MaskKind;

    /// <summary>Mask element [0, 0, 0, 0] (f32 or bytes); strides below are in elements, 0 along broadcast dimensions.</summary>
    public void* Mask;

    /// <summary>Mask elements between batches.</summary>
    public long MaskBatchStride;

    /// <summary>Mask elements between query heads.</summary>
    public long MaskHeadStride;

    /// <summary>Mask elements between query rows.</summary>
    public long MaskRowStride;

    /// <summary>Mask columns (≤ <see cref="KvLength"/>); the keys beyond are removed.</summary>
    public int MaskColumns;

    /// <summary>Optional copy of the score rows [Batch, QueryHeads, QueryLength, KvLength] at <see cref="ScoreStage"/>; Data null when not wanted.</summary>
    public AttentionTensor Scores;

    /// <summary>Which intermediate <see cref="Scores"/> receives.</summary>
    public AttentionScoreStage ScoreStage;
}
