using System.Numerics;
using AttnRnnCluster.Model.Network.Fast;

namespace AttnRnnCluster.Model.Network.Batched;

/// <summary>
/// The elementwise work of the batched engine on spans of any length: the fast engine's SIMD kernels on the
/// whole vectors, and the same kernels on a zero-padded scratch vector for the tail, so that every element
/// gets the same arithmetic wherever it sits in a row.
/// </summary>
internal static class RowKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>x = tanh(x) in place (the fast engine's tanh).</summary>
    public static void Tanh(Span<T> x)
    {
        int whole = x.Length - x.Length % Kernels<T>.Lanes;
        Kernels<T>.Tanh(x[..whole]);
        if (whole == x.Length) return;
        Span<T> tail = stackalloc T[Kernels<T>.Lanes];
        tail.Clear();
        x[whole..].CopyTo(tail);
        Kernels<T>.Tanh(tail);
        tail[..(x.Length - whole)].CopyTo(x[whole..]);
    }

    /// <summary>grad = grad (1 - h^2): through tanh, given its output h.</summary>
    public static void MultiplyByTanhDerivative(Span<T> grad, ReadOnlySpan<T> h)
    {
        int whole = grad.Length - grad.Length % Kernels<T>.Lanes;
        Kernels<T>.MultiplyByTanhDerivative(grad[..whole], h);
        for (int i = whole; i < grad.Length; i++) grad[i] *= T.One - h[i] * h[i];
    }

    /// <summary>y += x.</summary>
    public static void Add(Span<T> y, ReadOnlySpan<T> x)
    {
        int whole = y.Length - y.Length % Kernels<T>.Lanes;
        Kernels<T>.Add(y[..whole], x);
        for (int i = whole; i < y.Length; i++) y[i] += x[i];
    }

    /// <summary>sums = the column sums of <paramref name="matrix"/> (rows <paramref name="sums"/>.Length wide), added row by row in order.</summary>
    public static void ColumnSums(ReadOnlySpan<T> matrix, Span<T> sums)
    {
        int width = sums.Length;
        sums.Clear();
        for (int r = 0; r + width <= matrix.Length; r += width) Add(sums, matrix.Slice(r, width));
    }
}
