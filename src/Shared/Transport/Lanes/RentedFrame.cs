using System.Buffers;

namespace AttnRnnCluster.Transport;

/// <summary>A lane frame in the first <paramref name="Length"/> bytes of a buffer rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
public readonly record struct RentedFrame(byte[] Buffer, int Length)
{
    /// <summary>Gives the buffer back: the frame must not be used after.</summary>
    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
