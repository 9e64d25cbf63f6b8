using System.Numerics;
using Mote.Kernels.Convolution;

namespace Mote.Kernels.Vision;

/// <summary>
/// The column matrix of a deformable 2-D convolution (ONNX DeformConv, torchvision's deform_conv2d): like
/// im2col, but kernel tap (i, j) of output position (oh, ow) reads the image at the fractional point
/// (oh·strideH − padTop + i·dilationH + Δh, ow·strideW − padLeft + j·dilationW + Δw), bilinearly
/// interpolated with zeros outside the image, times an optional mask. The convolution is then a GEMM of the
/// weights with these columns.
/// </summary>
/// <remarks>
/// <para>Layout: image is <c>channels</c> planes of H×W; offset holds, per offset group g and tap k = i·kW + j,
/// the planes Δh (2k) and Δw (2k + 1) of OutputSize values each (plane index g·2·kH·kW + 2k + {0, 1});
/// mask holds plane g·kH·kW + k, or is empty (all ones). Channel c uses offset group
/// c / (channels / offsetGroups). Row c·kH·kW + k of the columns, column n − start, holds output
/// position n, for n in [start, start + count); rows are <c>ldColumns</c> apart.</para>
/// <para>Interpolation sums along the width first, then the height (as GridSample does); a sample point
/// with h ≤ −1, h ≥ H, w ≤ −1 or w ≥ W (or NaN) reads 0.</para>
/// </remarks>
public static class DeformableIm2Col
{
    /// <summary>Fills columns [start, start + count) of the matrix.</summary>
    public static void Build<T>(ReadOnlySpan<T> image, int channels, in Window2D w, ReadOnlySpan<T> offset, ReadOnlySpan<T> mask,
        int offsetGroups, int start, int count, Span<T> columns, int ldColumns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int kernel = w.KernelSize, outSize = w.OutputSize, inSize = w.InputSize;
        if (offsetGroups < 1 || channels % offsetGroups != 0)
            throw new ArgumentException($"{channels} channels do not split into {offsetGroups} offset groups", nameof(offsetGroups));
        if (image.Length < (long)channels * inSize || offset.Length < (long)offsetGroups * 2 * kernel * outSize
            || (!mask.IsEmpty && mask.Length < (long)offsetGroups * kernel * outSize))
            throw new ArgumentException("image, offset or mask is shorter than the window says");
        if (start < 0 || count < 0 || start + count > outSize || ldColumns < count || columns.Length < ((long)channels * kernel - 1) * ldColumns + count)
            throw new ArgumentException("the column window does not fit");
        int perGroup = channels / offsetGroups;
        T height = T.CreateTruncating(w.InputHeight), width = T.CreateTruncating(w.InputWidth), minusOne = -T.One;
        for (int c = 0; c < channels; c++)
        {
            int g = c / perGroup;
            var plane = image.Slice(c * inSize, inSize);
            for (int k = 0; k < kernel; k++)
            {
                int i = k / w.KernelWidth, j = k % w.KernelWidth;
                var dh = offset.Slice((g * 2 * kernel + 2 * k) * outSize, outSize);
                var dw = offset.Slice((g * 2 * kernel + 2 * k + 1) * outSize, outSize);
                var m = mask.IsEmpty ? default : mask.Slice((g * kernel + k) * outSize, outSize);
                var row = columns.Slice((c * kernel + k) * ldColumns, count);
                for (int n = 0; n < count; n++)
                {
                    int at = start + n, oh = at / w.OutputWidth, ow = at % w.OutputWidth;
                    T h = T.CreateTruncating(oh * w.StrideHeight - w.PadTop + i * w.DilationHeight) + dh[at];
                    T x = T.CreateTruncating(ow * w.StrideWidth - w.PadLeft + j * w.DilationWidth) + dw[at];
                    T v = h > minusOne && h < height && x > minusOne && x < width ? Bilinear(plane, w.InputHeight, w.InputWidth, h, x) : T.Zero;
                    row[n] = m.IsEmpty ? v : v * m[at];
                }
            }
        }
    }

    /// <summary>The plane at (h, x), both inside (−1, size): corners outside the plane count as 0.</summary>
    public static T Bilinear<T>(ReadOnlySpan<T> plane, int height, int width, T h, T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T h0f = T.Floor(h), x0f = T.Floor(x);
        int h0 = int.CreateTruncating(h0f), x0 = int.CreateTruncating(x0f);
        T lh = h - h0f, lx = x - x0f, one = T.One;
        T top = h0 >= 0 ? Row(plane.Slice(h0 * width, width), x0, lx) : T.Zero;
        T bottom = h0 + 1 < height ? Row(plane.Slice((h0 + 1) * width, width), x0, lx) : T.Zero;
        return (one - lh) * top + lh * bottom;
    }

    private static T Row<T>(ReadOnlySpan<T> row, int x0, T lx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T left = x0 >= 0 ? row[x0] : T.Zero;
        T right = x0 + 1 < row.Length ? row[x0 + 1] : T.Zero;
        return (T.One - lx) * left + lx * right;
    }
}
