using System.Numerics;
using AttnRnnCluster.Model.Network.Fast;

namespace AttnRnnCluster.Model.Network.Batched;

/// <summary>
/// The per-sequence part of attention for one step of a group, on time-major [steps * group, D] row blocks (row
/// t * group + b is sequence b at step t): scores of x_t against the keys of the earlier states, their softmax,
/// and the context; and the way back. D is small (the input or embedding width), so this is a few thousand
/// multiply-adds per sequence and step, done in SIMD loops in a fixed order; the products with W_a and W_v
/// around it are GEMMs over the whole group.
/// </summary>
internal sealed class CausalAttention<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _d, _capacity;
    private readonly T[] _weights;   // alpha_{t,j} of sequence b of count at [(t * count + b) * capacity + j]
    private readonly T[] _scratch;

    public CausalAttention(int inputWidth, int group, int capacity)
    {
        _d = inputWidth;
        _capacity = capacity;
        _weights = new T[(long)capacity * group * capacity > int.MaxValue
            ? throw new ArgumentException($"attention over {capacity} steps in groups of {group} is too large")
            : capacity * group * capacity];
        _scratch = new T[capacity];
    }

    /// <summary>c_t of sequence <paramref name="b"/> (t &gt;= 1) from its inputs and the keys k_j = W_a h_j, j &lt; t.</summary>
    public void Forward(int count, int t, int b, ReadOnlySpan<T> inputs, ReadOnlySpan<T> keys, Span<T> contexts)
    {
        var x = Row(inputs, count, t, b);
        var alpha = _weights.AsSpan((t * count + b) * _capacity, t);
        if (WholeVectors)
        {
            // The fast engine's kernels over sequence b's rows (count * D apart): four keys per pass for the scores,
            // the context as a row times a matrix. Long histories (T = 512) spend most of attention's time here.
            int stride = count * _d;
            Kernels<T>.MultiplyRows(keys[(b * _d)..], stride, x, alpha);
            Softmax(alpha);
            var context = RowOf(contexts, count, t, b);
            context.Clear();
            Kernels<T>.AddRowTimesMatrix(alpha, inputs[(b * _d)..], stride, context);
            return;
        }
        T max = T.NegativeInfinity;
        for (int j = 0; j < t; j++)
        {
            alpha[j] = Dot(x, Row(keys, count, j, b));
            max = T.Max(max, alpha[j]);
        }
        T sum = T.Zero;
        for (int j = 0; j < t; j++)
        {
            alpha[j] = T.Exp(alpha[j] - max);
            sum += alpha[j];
        }
        T scale = T.One / sum;
        var c = RowOf(contexts, count, t, b);
        c.Clear();
        for (int j = 0; j < t; j++)
        {
            alpha[j] *= scale;
            AddScaled(c, alpha[j], Row(inputs, count, j, b));
        }
    }

    /// <summary>
    /// From dL/dc_t of sequence <paramref name="b"/> through the softmax: adds dL/dk_j (j &lt; t) to
    /// <paramref name="keyGrads"/> and, when <paramref name="inputGrads"/> is not empty (token input, whose
    /// embedding learns), dL/dx through the scores (x_t) and the context (x_j).
    /// </summary>
    public void Backward(int count, int t, int b, ReadOnlySpan<T> inputs, ReadOnlySpan<T> keys, ReadOnlySpan<T> contextGrads,
        Span<T> keyGrads, Span<T> inputGrads)
    {
        var x = Row(inputs, count, t, b);
        var dc = Row(contextGrads, count, t, b);
        var alpha = _weights.AsSpan((t * count + b) * _capacity, t);
        var ds = _scratch.AsSpan(0, t);
        if (WholeVectors)
        {
            int stride = count * _d;
            Kernels<T>.MultiplyRows(inputs[(b * _d)..], stride, dc, ds);              // dL/dalpha_j = dc . x_j
            T dot = T.Zero;
            for (int j = 0; j < t; j++) dot += alpha[j] * ds[j];
            for (int j = 0; j < t; j++) ds[j] = alpha[j] * (ds[j] - dot);             // dL/ds_j
            Kernels<T>.AddOuter(keyGrads[(b * _d)..], stride, ds, x);                // dL/dk_j += ds_j x_t
            if (inputGrads.IsEmpty) return;
            Kernels<T>.AddRowTimesMatrix(ds, keys[(b * _d)..], stride, RowOf(inputGrads, count, t, b));   // through the scores
            Kernels<T>.AddOuter(inputGrads[(b * _d)..], stride, alpha, dc);          // through the context: x_j += alpha_j dc
            return;
        }
        T mean = T.Zero;
        for (int j = 0; j < t; j++)
        {
            ds[j] = Dot(dc, Row(inputs, count, j, b));     // dL/dalpha_j
            mean += alpha[j] * ds[j];
        }
        for (int j = 0; j < t; j++) ds[j] = alpha[j] * (ds[j] - mean);   // dL/ds_j
        for (int j = 0; j < t; j++) AddScaled(RowOf(keyGrads, count, j, b), ds[j], x);
        if (inputGrads.IsEmpty) return;
        var query = RowOf(inputGrads, count, t, b);
        for (int j = 0; j < t; j++)
        {
            AddScaled(query, ds[j], Row(keys, count, j, b));
            AddScaled(RowOf(inputGrads, count, j, b), alpha[j], dc);
        }
    }

    /// <summary>Whether D is a whole number of vectors (D = 32, the char LM's embedding), so the fast engine's kernels apply.</summary>
    private bool WholeVectors => _d % Kernels<T>.Lanes == 0;

    /// <summary>The softmax of the first alpha.Length entries, in place, shifted by their maximum.</summary>
    private static void Softmax(Span<T> alpha)
    {
        T max = T.NegativeInfinity;
        foreach (T s in alpha) max = T.Max(max, s);
        T sum = T.Zero;
        for (int j = 0; j < alpha.Length; j++)
        {
            alpha[j] = T.Exp(alpha[j] - max);
            sum += alpha[j];
        }
        T scale = T.One / sum;
        for (int j = 0; j < alpha.Length; j++) alpha[j] *= scale;
    }

    private ReadOnlySpan<T> Row(ReadOnlySpan<T> block, int count, int t, int b) => block.Slice((t * count + b) * _d, _d);

    private Span<T> RowOf(Span<T> block, int count, int t, int b) => block.Slice((t * count + b) * _d, _d);

    /// <summary>sum_k a[k] b[k]: whole vectors (lane sums, then their fixed horizontal sum), then the tail in order.</summary>
    private static T Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        int n = a.Length, w = Vector<T>.Count, k = 0;
        var sums = Vector<T>.Zero;
        for (; k + w <= n; k += w) sums += new Vector<T>(a.Slice(k, w)) * new Vector<T>(b.Slice(k, w));
        T sum = Vector.Sum(sums);
        for (; k < n; k++) sum += a[k] * b[k];
        return sum;
    }

    /// <summary>y += s x, whole vectors then the tail.</summary>
    private static void AddScaled(Span<T> y, T s, ReadOnlySpan<T> x)
    {
        int n = y.Length, w = Vector<T>.Count, k = 0;
        var scale = new Vector<T>(s);
        for (; k + w <= n; k += w) (new Vector<T>(y.Slice(k, w)) + scale * new Vector<T>(x.Slice(k, w))).CopyTo(y.Slice(k, w));
        for (; k < n; k++) y[k] += s * x[k];
    }
}
