using System.Numerics;
using Mote.Kernels.Signal;

namespace Mote.Runtime.Operators.Signal;

/// <summary>Carves the scratch of a node into an <see cref="Fft"/> of one length, its work span and one line buffer.</summary>
internal readonly ref struct FftScratch
{
    public FftScratch(in NodeContext ctx, int n)
    {
        int storage = Fft.StorageLength(n), work = Fft.WorkLength(n);
        var all = ctx.ScratchAs<Complex>(0, storage + work + n);
        Transform = new Fft(n, all[..storage]);
        Work = all.Slice(storage, work);
        Line = all.Slice(storage + work, n);
    }

    /// <summary>Scratch bytes a length-<paramref name="n"/> transform needs.</summary>
    public static long Bytes(int n) => ((long)Fft.StorageLength(n) + Fft.WorkLength(n) + n) * 16;

    public Fft Transform { get; }

    public Span<Complex> Work { get; }

    public Span<Complex> Line { get; }
}
