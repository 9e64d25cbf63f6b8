namespace Mote.Cli.Inputs;

/// <summary>How an image file becomes an input tensor.</summary>
public sealed record ImageOptions
{
    /// <summary>Channel order BGR instead of RGB.</summary>
    public bool Bgr { get; init; }

    /// <summary>Multiplier applied to 0–255 pixel values before mean/std (e.g. 1/255).</summary>
    public float Scale { get; init; } = 1f;

    /// <summary>Per-channel mean subtracted after scaling (in the output channel order).</summary>
    public float[] Mean { get; init; } = [0, 0, 0];

    /// <summary>Per-channel divisor applied after the mean.</summary>
    public float[] Std { get; init; } = [1, 1, 1];
}
