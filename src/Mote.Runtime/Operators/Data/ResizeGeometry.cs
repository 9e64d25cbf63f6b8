namespace Mote.Runtime.Operators.Data;

/// <summary>How Resize maps an output coordinate to the input (<c>coordinate_transformation_mode</c>).</summary>
internal enum ResizeCoordinates { HalfPixel, HalfPixelSymmetric, PytorchHalfPixel, AlignCorners, Asymmetric, TfCropAndResize }

/// <summary>Resize interpolation (<c>mode</c>).</summary>
internal enum ResizeMode { Nearest, Linear, Cubic }

/// <summary>Rounding of the source coordinate in nearest mode (<c>nearest_mode</c>).</summary>
internal enum ResizeRounding { RoundPreferFloor, RoundPreferCeil, Floor, Ceil }

/// <summary>How <c>sizes</c> is honoured (<c>keep_aspect_ratio_policy</c>).</summary>
internal enum ResizeAspect { Stretch, NotLarger, NotSmaller }

/// <summary>
/// Per-dimension output size, scale, "resized length" (the possibly fractional output length
/// in·scale that align_corners, half_pixel_symmetric and tf_crop_and_resize use) and region of
/// interest, from the scales or sizes of the listed axes.
/// </summary>
internal static class ResizeGeometry
{
    /// <summary>
    /// Fills the outputs for every dimension of <paramref name="input"/>. Exactly one of
    /// <paramref name="scales"/> and <paramref name="sizes"/> is non-empty, with one entry per
    /// axis; <paramref name="roi"/> is empty or holds starts then ends for the axes.
    /// </summary>
    public static void Compute(ReadOnlySpan<int> input, ReadOnlySpan<int> axes, ReadOnlySpan<float> scales, ReadOnlySpan<long> sizes,
        ReadOnlySpan<double> roi, ResizeAspect aspect, Span<int> output, Span<double> scale, Span<double> resized,
        Span<double> roiStart, Span<double> roiEnd)
    {
        int r = input.Length, n = axes.Length;
        for (int d = 0; d < r; d++)
        {
            output[d] = input[d];
            scale[d] = 1;
            resized[d] = input[d];
            roiStart[d] = 0;
            roiEnd[d] = 1;
        }
        if (roi.Length > 0)
        {
            if (roi.Length != 2 * n)
                throw new MoteShapeException($"roi has {roi.Length} values, expected {2 * n}");
            for (int i = 0; i < n; i++)
            {
                roiStart[axes[i]] = roi[i];
                roiEnd[axes[i]] = roi[n + i];
            }
        }
        if (scales.Length > 0)
        {
            if (scales.Length != n)
                throw new MoteShapeException($"scales has {scales.Length} values for {n} axes");
            for (int i = 0; i < n; i++)
            {
                int d = axes[i];
                double s = scales[i];
                if (!(s > 0) || double.IsInfinity(s))
                    throw new MoteShapeException($"scale {s} must be positive");
                scale[d] = s;
                resized[d] = input[d] * s;
                output[d] = checked((int)Math.Floor(input[d] * s));
            }
            return;
        }
        if (sizes.Length != n)
            throw new MoteShapeException($"sizes has {sizes.Length} values for {n} axes");
        for (int i = 0; i < n; i++)
            if (sizes[i] < 0 || sizes[i] > int.MaxValue)
                throw new MoteShapeException($"size {sizes[i]} is invalid");
        if (aspect == ResizeAspect.Stretch)
        {
            for (int i = 0; i < n; i++)
            {
                int d = axes[i];
                output[d] = (int)sizes[i];
                resized[d] = sizes[i];
                scale[d] = input[d] == 0 ? 1 : (double)sizes[i] / input[d];
            }
            return;
        }
        // One scale for all axes, the smallest (fit inside) or largest (cover) ratio.
        double k = aspect == ResizeAspect.NotLarger ? double.PositiveInfinity : 0;
        for (int i = 0; i < n; i++)
        {
            double ratio = input[axes[i]] == 0 ? 1 : (double)sizes[i] / input[axes[i]];
            k = aspect == ResizeAspect.NotLarger ? Math.Min(k, ratio) : Math.Max(k, ratio);
        }
        for (int i = 0; i < n; i++)
        {
            int d = axes[i];
            scale[d] = k;
            resized[d] = input[d] * k;
            output[d] = checked((int)Math.Floor(input[d] * k + 0.5));
        }
    }
}
