using System.Numerics;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network.Batched;

/// <summary>
/// A flat libtorch tensor of float or double that the batched engine both hands to libtorch's GEMM (as matrix
/// views over its rows) and reads and writes from C# (as spans over the same memory): one allocation, no copies.
/// </summary>
internal sealed class NativeBuffer<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IntPtr _data;

    public NativeBuffer(long length)
    {
        Length = length;
        Tensor = zeros(Math.Max(1, length), dtype: DType);
        _data = Address(Tensor);
    }

    public static ScalarType DType => typeof(T) == typeof(float) ? ScalarType.Float32 : ScalarType.Float64;

    public Tensor Tensor { get; }
    public long Length { get; }

    /// <summary>The <paramref name="count"/> values from <paramref name="start"/>.</summary>
    public unsafe Span<T> Span(long start, int count)
    {
        if (start < 0 || count < 0 || start + count > Length)
            throw new ArgumentOutOfRangeException(nameof(start), $"[{start}, {start + count}) is outside a buffer of {Length} (an engine bug)");
        return new Span<T>((T*)_data + start, count);
    }

    /// <summary>Rows [<paramref name="firstRow"/>, +<paramref name="rows"/>) of a row-major matrix <paramref name="width"/> wide, as a span.</summary>
    public Span<T> Rows(int firstRow, int rows, int width) => Span((long)firstRow * width, rows * width);

    /// <summary>The same rows as a [rows, width] tensor view for libtorch (the caller disposes it).</summary>
    public Tensor Matrix(long firstRow, long rows, long width)
    {
        using var flat = Tensor.narrow(0, firstRow * width, rows * width);
        return flat.view(rows, width);
    }

    public void Clear() => Tensor.zero_();

    /// <summary>Where the tensor's values start: its storage is native (libtorch's allocator) and never moves.</summary>
    private static unsafe IntPtr Address(Tensor tensor)
    {
        fixed (byte* start = tensor.bytes) return (IntPtr)start;
    }

    public void Dispose() => Tensor.Dispose();
}
