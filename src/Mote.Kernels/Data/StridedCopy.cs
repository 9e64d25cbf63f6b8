using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mote.Kernels.Data;

/// <summary>
/// Copies an N-dimensional strided view of one buffer into a strided view of another, for any
/// element of 1, 2, 4 or 8 bytes. Transpose, Expand, Slice, Tile, DepthToSpace and the interior
/// of Pad are all this one copy with different strides.
/// <para>
/// Layout contract: strides and offsets are in elements. Source strides may be zero (broadcast)
/// or negative (reversed); destination strides must address each element once. Size-1 dimensions
/// are dropped and adjacent dimensions merged wherever both views allow, so the innermost loop is
/// as long as possible: a contiguous run is one memmove, a broadcast run one fill, and a run that
/// is strided in the source while another dimension is contiguous there goes through the blocked
/// 2-D transpose. Source and destination must not overlap.
/// </para>
/// </summary>
public static class StridedCopy
{
    /// <summary>Both extents of a plane at least this large take the blocked transpose path.</summary>
    private const int TransposeMinExtent = 4;

    /// <summary>
    /// Copies <paramref name="shape"/> elements from <paramref name="src"/> (first element at
    /// <paramref name="srcOffset"/>, steps <paramref name="srcStrides"/>) to <paramref name="dst"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Ranks differ, the element size is not 1, 2, 4 or 8, or a view reaches outside its buffer.</exception>
    public static void Copy(ReadOnlySpan<byte> src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Span<byte> dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<int> shape, int elementSize)
    {
        int rank = shape.Length;
        if (srcStrides.Length != rank || dstStrides.Length != rank)
            throw new ArgumentException($"shape has rank {rank} but the strides have {srcStrides.Length} and {dstStrides.Length} entries");
        if (elementSize is not (1 or 2 or 4 or 8))
            throw new ArgumentException($"element size {elementSize} is not 1, 2, 4 or 8", nameof(elementSize));
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException("negative dimension", nameof(shape));
            if (d == 0)
                return;
        }

        int cap = Math.Max(rank, 1);
        Span<int> dims = cap <= 32 ? stackalloc int[cap] : new int[cap];
        Span<long> ss = cap <= 32 ? stackalloc long[cap] : new long[cap];
        Span<long> ds = cap <= 32 ? stackalloc long[cap] : new long[cap];
        int r = Simplify(shape, srcStrides, dstStrides, dims, ss, ds);
        dims = dims[..r];
        ss = ss[..r];
        ds = ds[..r];
        CheckRange(src.Length / elementSize, srcOffset, dims, ss, "source");
        CheckRange(dst.Length / elementSize, dstOffset, dims, ds, "destination");

        ref byte s = ref MemoryMarshal.GetReference(src);
        ref byte t = ref MemoryMarshal.GetReference(dst);
        switch (elementSize)
        {
            case 1: Run(ref s, srcOffset, ss, ref t, dstOffset, ds, dims); break;
            case 2: Run(ref Unsafe.As<byte, ushort>(ref s), srcOffset, ss, ref Unsafe.As<byte, ushort>(ref t), dstOffset, ds, dims); break;
            case 4: Run(ref Unsafe.As<byte, uint>(ref s), srcOffset, ss, ref Unsafe.As<byte, uint>(ref t), dstOffset, ds, dims); break;
            default: Run(ref Unsafe.As<byte, ulong>(ref s), srcOffset, ss, ref Unsafe.As<byte, ulong>(ref t), dstOffset, ds, dims); break;
        }
    }

    /// <summary>Row-major element strides of a contiguous tensor of <paramref name="shape"/>.</summary>
    public static void ContiguousStrides(ReadOnlySpan<int> shape, Span<long> strides)
    {
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = acc;
            acc *= shape[i];
        }
    }

    /// <summary>Drops size-1 dimensions and merges dimension i into i-1 when both views step over i-1 as over a whole run of i.</summary>
    private static int Simplify(ReadOnlySpan<int> shape, ReadOnlySpan<long> srcStrides, ReadOnlySpan<long> dstStrides,
        Span<int> dims, Span<long> ss, Span<long> ds)
    {
        int r = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1)
                continue;
            if (r > 0 && ss[r - 1] == srcStrides[i] * shape[i] && ds[r - 1] == dstStrides[i] * shape[i])
            {
                dims[r - 1] *= shape[i];
                ss[r - 1] = srcStrides[i];
                ds[r - 1] = dstStrides[i];
                continue;
            }
            dims[r] = shape[i];
            ss[r] = srcStrides[i];
            ds[r] = dstStrides[i];
            r++;
        }
        if (r == 0)
        {
            dims[0] = 1;
            ss[0] = 1;
            ds[0] = 1;
            r = 1;
        }
        return r;
    }

    private static void CheckRange(long length, long offset, ReadOnlySpan<int> dims, ReadOnlySpan<long> strides, string what)
    {
        long lo = offset, hi = offset;
        for (int i = 0; i < dims.Length; i++)
        {
            long reach = (dims[i] - 1) * strides[i];
            if (reach < 0)
                lo += reach;
            else
                hi += reach;
        }
        if (lo < 0 || hi >= length)
            throw new ArgumentException($"the {what} view spans elements [{lo}, {hi}] of a buffer of {length}");
    }

    private static void Run<T>(ref T src, long so, ReadOnlySpan<long> ss, ref T dst, long dof, ReadOnlySpan<long> ds, ReadOnlySpan<int> dims)
        where T : unmanaged
    {
        int r = dims.Length;
        int n = dims[r - 1];
        long si = ss[r - 1], di = ds[r - 1];
        if (r >= 2 && di == 1 && si != 1 && n >= TransposeMinExtent)
        {
            for (int k = r - 2; k >= 0; k--)
                if (ss[k] == 1 && dims[k] >= TransposeMinExtent)
                {
                    RunTransposed(ref src, so, ss, ref dst, dof, ds, dims, k);
                    return;
                }
        }

        Span<int> ctr = stackalloc int[r];
        ctr.Clear();
        long outer = 1;
        for (int k = 0; k < r - 1; k++)
            outer *= dims[k];
        for (long it = 0; ; )
        {
            Row(ref Unsafe.Add(ref src, (nint)so), si, ref Unsafe.Add(ref dst, (nint)dof), di, n);
            if (++it == outer)
                break;
            for (int k = r - 2; k >= 0; k--)
            {
                if (++ctr[k] < dims[k])
                {
                    so += ss[k];
                    dof += ds[k];
                    break;
                }
                ctr[k] = 0;
                so -= ss[k] * (dims[k] - 1);
                dof -= ds[k] * (dims[k] - 1);
            }
        }
    }

    /// <summary>One innermost run: memmove, fill or strided element loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<T>(ref T src, long si, ref T dst, long di, int n) where T : unmanaged
    {
        if (si == 1 && di == 1)
        {
            MemoryMarshal.CreateReadOnlySpan(ref src, n).CopyTo(MemoryMarshal.CreateSpan(ref dst, n));
            return;
        }
        if (si == 0 && di == 1)
        {
            MemoryMarshal.CreateSpan(ref dst, n).Fill(src);
            return;
        }
        for (int i = 0; i < n; i++)
            Unsafe.Add(ref dst, (nint)(i * di)) = Unsafe.Add(ref src, (nint)(i * si));
    }

    /// <summary>
    /// Dimension <paramref name="k"/> is contiguous in the source and the last one in the
    /// destination: each (k, last) plane is a 2-D transpose, done in cache-sized tiles.
    /// </summary>
    private static void RunTransposed<T>(ref T src, long so, ReadOnlySpan<long> ss, ref T dst, long dof, ReadOnlySpan<long> ds,
        ReadOnlySpan<int> dims, int k) where T : unmanaged
    {
        int r = dims.Length;
        int o = r - 2;
        Span<int> od = stackalloc int[Math.Max(o, 1)];
        Span<long> os = stackalloc long[Math.Max(o, 1)];
        Span<long> odst = stackalloc long[Math.Max(o, 1)];
        for (int i = 0, j = 0; i < r - 1; i++)
            if (i != k)
            {
                od[j] = dims[i];
                os[j] = ss[i];
                odst[j] = ds[i];
                j++;
            }
        Span<int> ctr = stackalloc int[Math.Max(o, 1)];
        ctr.Clear();
        long outer = 1;
        for (int i = 0; i < o; i++)
            outer *= od[i];
        for (long it = 0; ; )
        {
            Transpose2D.Run(ref Unsafe.Add(ref src, (nint)so), ss[r - 1], ref Unsafe.Add(ref dst, (nint)dof), ds[k], dims[k], dims[r - 1]);
            if (++it == outer)
                break;
            for (int i = o - 1; i >= 0; i--)
            {
                if (++ctr[i] < od[i])
                {
                    so += os[i];
                    dof += odst[i];
                    break;
                }
                ctr[i] = 0;
                so -= os[i] * (od[i] - 1);
                dof -= odst[i] * (od[i] - 1);
            }
        }
    }
}
