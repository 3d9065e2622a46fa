using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// Copies of tensors between their arrays and message buffers. One core copies about 5 GB/s on this kind of
/// machine, and onto memory the process has not touched yet far less (a page fault per 4 KiB); a 64 MB copy split
/// across the cores takes a fraction of that time. The other cores are idle then anyway: a sender serializes
/// before its first byte can leave, a receiver decodes after its last one arrived. Small copies stay on the
/// calling thread (<see cref="CoreSplit"/>).
/// </summary>
internal static class ParallelCopy
{
    private const int PageBytes = 4096;

    /// <summary>Copies <paramref name="values"/> (native byte order) into <paramref name="buffer"/> from <paramref name="offset"/> on.</summary>
    public static void ToBytes<T>(T[] values, byte[] buffer, int offset) where T : unmanaged
    {
        var length = checked(values.Length * Unsafe.SizeOf<T>());
        InPieces(length, (start, count) =>
            MemoryMarshal.AsBytes(values.AsSpan()).Slice(start, count).CopyTo(buffer.AsSpan(offset + start, count)));
    }

    /// <summary>Fills <paramref name="values"/> from <paramref name="bytes"/> (native byte order, exactly its length).</summary>
    public static void FromBytes<T>(ReadOnlyMemory<byte> bytes, T[] values) where T : unmanaged
    {
        if (bytes.Length != checked(values.Length * Unsafe.SizeOf<T>()))
            throw new ArgumentException($"{bytes.Length} bytes do not fill {values.Length} values of {Unsafe.SizeOf<T>()} bytes", nameof(bytes));
        InPieces(bytes.Length, (start, count) =>
            bytes.Span.Slice(start, count).CopyTo(MemoryMarshal.AsBytes(values.AsSpan()).Slice(start, count)));
    }

    /// <summary>Runs <paramref name="copy"/>(start, count) over [0, <paramref name="length"/>) in page-aligned pieces, side by side when large.</summary>
    private static void InPieces(int length, Action<int, int> copy)
    {
        var pieces = CoreSplit.Pieces(length);
        if (pieces == 1)
        {
            copy(0, length);
            return;
        }
        var pieceLength = (length / pieces + PageBytes - 1) / PageBytes * PageBytes;
        Parallel.For(0, pieces, piece =>
        {
            var start = piece * pieceLength;
            if (start < length)
                copy(start, Math.Min(pieceLength, length - start));
        });
    }
}
