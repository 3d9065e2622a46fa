using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttnRnnCluster.Model.Network.Fast;

/// <summary>
/// The SIMD loops the fast engine is made of, on row-major spans of float or double. Every sum runs in a fixed
/// order (lanes, then a fixed horizontal reduction), so a result depends only on the inputs and the machine's
/// vector width, never on history or timing. Lengths are checked once per call, then the loops index without
/// bounds checks.
/// </summary>
internal static class Kernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Lanes => Vector<T>.Count;

    /// <summary>
    /// y[j] += sum_k a[k] m[k * stride + j]: a row vector times a matrix whose rows are <paramref name="stride"/>
    /// apart. y.Length is a multiple of the lanes.
    /// </summary>
    public static void AddRowTimesMatrix(ReadOnlySpan<T> a, ReadOnlySpan<T> m, int stride, Span<T> y)
    {
        int rows = a.Length, n = y.Length, w = Lanes;
        Require(n % w == 0 && n <= stride && (rows == 0 || m.Length >= (rows - 1) * stride + n), nameof(AddRowTimesMatrix));
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rm = ref MemoryMarshal.GetReference(m);
        ref T ry = ref MemoryMarshal.GetReference(y);
        nuint uw = (nuint)w, us = (nuint)stride;
        int j = 0;
        // Eight accumulators hide the multiply-add latency; each row of m is read once per block.
        for (; j + 8 * w <= n; j += 8 * w)
        {
            nuint uj = (nuint)j;
            var y0 = Vector.LoadUnsafe(ref ry, uj);
            var y1 = Vector.LoadUnsafe(ref ry, uj + uw);
            var y2 = Vector.LoadUnsafe(ref ry, uj + 2 * uw);
            var y3 = Vector.LoadUnsafe(ref ry, uj + 3 * uw);
            var y4 = Vector.LoadUnsafe(ref ry, uj + 4 * uw);
            var y5 = Vector.LoadUnsafe(ref ry, uj + 5 * uw);
            var y6 = Vector.LoadUnsafe(ref ry, uj + 6 * uw);
            var y7 = Vector.LoadUnsafe(ref ry, uj + 7 * uw);
            nuint row = uj;
            for (int k = 0; k < rows; k++, row += us)
            {
                var ak = new Vector<T>(Unsafe.Add(ref ra, k));
                y0 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row), y0);
                y1 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + uw), y1);
                y2 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + 2 * uw), y2);
                y3 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + 3 * uw), y3);
                y4 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + 4 * uw), y4);
                y5 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + 5 * uw), y5);
                y6 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + 6 * uw), y6);
                y7 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + 7 * uw), y7);
            }
            y0.StoreUnsafe(ref ry, uj);
            y1.StoreUnsafe(ref ry, uj + uw);
            y2.StoreUnsafe(ref ry, uj + 2 * uw);
            y3.StoreUnsafe(ref ry, uj + 3 * uw);
            y4.StoreUnsafe(ref ry, uj + 4 * uw);
            y5.StoreUnsafe(ref ry, uj + 5 * uw);
            y6.StoreUnsafe(ref ry, uj + 6 * uw);
            y7.StoreUnsafe(ref ry, uj + 7 * uw);
        }
        for (; j + 2 * w <= n; j += 2 * w)
        {
            nuint uj = (nuint)j;
            var y0 = Vector.LoadUnsafe(ref ry, uj);
            var y1 = Vector.LoadUnsafe(ref ry, uj + uw);
            nuint row = uj;
            for (int k = 0; k < rows; k++, row += us)
            {
                var ak = new Vector<T>(Unsafe.Add(ref ra, k));
                y0 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row), y0);
                y1 = MultiplyAdd(ak, Vector.LoadUnsafe(ref rm, row + uw), y1);
            }
            y0.StoreUnsafe(ref ry, uj);
            y1.StoreUnsafe(ref ry, uj + uw);
        }
        if (j < n)
        {
            nuint uj = (nuint)j;
            var y0 = Vector.LoadUnsafe(ref ry, uj);
            nuint row = uj;
            for (int k = 0; k < rows; k++, row += us)
                y0 = MultiplyAdd(new Vector<T>(Unsafe.Add(ref ra, k)), Vector.LoadUnsafe(ref rm, row), y0);
            y0.StoreUnsafe(ref ry, uj);
        }
    }

    /// <summary>
    /// y[r] = sum_j m[r * stride + j] v[j] for r below y.Length: a matrix times a column vector, four rows at a
    /// time so that each loaded piece of v serves four rows. v.Length is a multiple of the lanes.
    /// </summary>
    public static void MultiplyRows(ReadOnlySpan<T> m, int stride, ReadOnlySpan<T> v, Span<T> y)
    {
        int rows = y.Length, n = v.Length, w = Lanes;
        Require(n % w == 0 && n <= stride && (rows == 0 || m.Length >= (rows - 1) * stride + n), nameof(MultiplyRows));
        ref T rm = ref MemoryMarshal.GetReference(m);
        ref T rv = ref MemoryMarshal.GetReference(v);
        nuint us = (nuint)stride;
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            nuint row = (nuint)r * us;
            var s0 = Vector<T>.Zero;
            var s1 = Vector<T>.Zero;
            var s2 = Vector<T>.Zero;
            var s3 = Vector<T>.Zero;
            for (nuint j = 0; j < (nuint)n; j += (nuint)w)
            {
                var vj = Vector.LoadUnsafe(ref rv, j);
                s0 = MultiplyAdd(Vector.LoadUnsafe(ref rm, row + j), vj, s0);
                s1 = MultiplyAdd(Vector.LoadUnsafe(ref rm, row + us + j), vj, s1);
                s2 = MultiplyAdd(Vector.LoadUnsafe(ref rm, row + 2 * us + j), vj, s2);
                s3 = MultiplyAdd(Vector.LoadUnsafe(ref rm, row + 3 * us + j), vj, s3);
            }
            y[r] = Vector.Sum(s0);
            y[r + 1] = Vector.Sum(s1);
            y[r + 2] = Vector.Sum(s2);
            y[r + 3] = Vector.Sum(s3);
        }
        for (; r < rows; r++) y[r] = Dot(m.Slice(r * stride, n), v);
    }

    /// <summary>m[r * stride + j] += u[r] v[j]: a rank-one update of u.Length rows; v.Length is a multiple of the lanes.</summary>
    public static void AddOuter(Span<T> m, int stride, ReadOnlySpan<T> u, ReadOnlySpan<T> v)
    {
        int rows = u.Length, n = v.Length;
        Require(n <= stride && (rows == 0 || m.Length >= (rows - 1) * stride + n), nameof(AddOuter));
        for (int r = 0; r < rows; r++) AddScaled(m.Slice(r * stride, n), u[r], v);
    }

    /// <summary>
    /// c[i, j] += sum_s a(s, i) b[s, j] for s below <paramref name="steps"/>, with a(s, i) = a[s * aStepStride +
    /// i * aRowStride]: with strides (1, row width) it is the product a b, with (row width, 1) the product
    /// a^T b (a weight gradient summed over time). c is rows x n and b is steps x n, with n = c.Length / rows a
    /// multiple of 2 lanes. Each c[i, j] is summed in order of s, so a row's bits do not depend on the others.
    /// </summary>
    public static void AddProduct(Span<T> c, int rows, ReadOnlySpan<T> a, int aStepStride, int aRowStride, ReadOnlySpan<T> b, int steps)
    {
        if (steps == 0) return;
        int n = c.Length / rows, w = Lanes;
        Require(n * rows == c.Length && n % (2 * w) == 0 && b.Length >= steps * n
                && (steps - 1) * aStepStride + (rows - 1) * aRowStride < a.Length, nameof(AddProduct));
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T rc = ref MemoryMarshal.GetReference(c);
        nuint uw = (nuint)w, un = (nuint)n, ar = (nuint)aRowStride;
        int i = 0;
        // Blocks of 4 rows x 2 vectors: eight accumulators, and each loaded row of b serves four rows of c.
        for (; i + 4 <= rows; i += 4)
        for (int j = 0; j < n; j += 2 * w)
        {
            nuint at = (nuint)(i * n + j);
            var c00 = Vector.LoadUnsafe(ref rc, at);
            var c01 = Vector.LoadUnsafe(ref rc, at + uw);
            var c10 = Vector.LoadUnsafe(ref rc, at + un);
            var c11 = Vector.LoadUnsafe(ref rc, at + un + uw);
            var c20 = Vector.LoadUnsafe(ref rc, at + 2 * un);
            var c21 = Vector.LoadUnsafe(ref rc, at + 2 * un + uw);
            var c30 = Vector.LoadUnsafe(ref rc, at + 3 * un);
            var c31 = Vector.LoadUnsafe(ref rc, at + 3 * un + uw);
            nuint bAt = (nuint)j, aAt = (nuint)(i * aRowStride);
            for (int s = 0; s < steps; s++, bAt += un, aAt += (nuint)aStepStride)
            {
                var b0 = Vector.LoadUnsafe(ref rb, bAt);
                var b1 = Vector.LoadUnsafe(ref rb, bAt + uw);
                var a0 = new Vector<T>(Unsafe.Add(ref ra, aAt));
                var a1 = new Vector<T>(Unsafe.Add(ref ra, aAt + ar));
                var a2 = new Vector<T>(Unsafe.Add(ref ra, aAt + 2 * ar));
                var a3 = new Vector<T>(Unsafe.Add(ref ra, aAt + 3 * ar));
                c00 = MultiplyAdd(a0, b0, c00);
                c01 = MultiplyAdd(a0, b1, c01);
                c10 = MultiplyAdd(a1, b0, c10);
                c11 = MultiplyAdd(a1, b1, c11);
                c20 = MultiplyAdd(a2, b0, c20);
                c21 = MultiplyAdd(a2, b1, c21);
                c30 = MultiplyAdd(a3, b0, c30);
                c31 = MultiplyAdd(a3, b1, c31);
            }
            c00.StoreUnsafe(ref rc, at);
            c01.StoreUnsafe(ref rc, at + uw);
            c10.StoreUnsafe(ref rc, at + un);
            c11.StoreUnsafe(ref rc, at + un + uw);
            c20.StoreUnsafe(ref rc, at + 2 * un);
            c21.StoreUnsafe(ref rc, at + 2 * un + uw);
            c30.StoreUnsafe(ref rc, at + 3 * un);
            c31.StoreUnsafe(ref rc, at + 3 * un + uw);
        }
        for (; i < rows; i++)
        for (int j = 0; j < n; j += 2 * w)
        {
            nuint at = (nuint)(i * n + j);
            var c0 = Vector.LoadUnsafe(ref rc, at);
            var c1 = Vector.LoadUnsafe(ref rc, at + uw);
            nuint bAt = (nuint)j, aAt = (nuint)(i * aRowStride);
            for (int s = 0; s < steps; s++, bAt += un, aAt += (nuint)aStepStride)
            {
                var a0 = new Vector<T>(Unsafe.Add(ref ra, aAt));
                c0 = MultiplyAdd(a0, Vector.LoadUnsafe(ref rb, bAt), c0);
                c1 = MultiplyAdd(a0, Vector.LoadUnsafe(ref rb, bAt + uw), c1);
            }
            c0.StoreUnsafe(ref rc, at);
            c1.StoreUnsafe(ref rc, at + uw);
        }
    }

    /// <summary>sum_i a[i] b[i]; the length is a multiple of the lanes.</summary>
    private static T Dot(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
    {
        int n = a.Length, w = Lanes;
        Require(n % w == 0 && b.Length >= n, nameof(Dot));
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        var s0 = Vector<T>.Zero;
        var s1 = Vector<T>.Zero;
        int i = 0;
        for (; i + 2 * w <= n; i += 2 * w)
        {
            s0 = MultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), s0);
            s1 = MultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)(i + w)), Vector.LoadUnsafe(ref rb, (nuint)(i + w)), s1);
        }
        if (i < n) s0 = MultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), s0);
        return Vector.Sum(s0 + s1);
    }

    /// <summary>y += s x; the length is a multiple of the lanes.</summary>
    private static void AddScaled(Span<T> y, T s, ReadOnlySpan<T> x)
    {
        int n = y.Length;
        Require(n % Lanes == 0 && x.Length >= n, nameof(AddScaled));
        ref T rx = ref MemoryMarshal.GetReference(x);
        ref T ry = ref MemoryMarshal.GetReference(y);
        var vs = new Vector<T>(s);
        for (nuint i = 0; i < (nuint)n; i += (nuint)Lanes)
            MultiplyAdd(vs, Vector.LoadUnsafe(ref rx, i), Vector.LoadUnsafe(ref ry, i)).StoreUnsafe(ref ry, i);
    }

    /// <summary>y += x; the length is a multiple of the lanes.</summary>
    public static void Add(Span<T> y, ReadOnlySpan<T> x)
    {
        int n = y.Length;
        Require(n % Lanes == 0 && x.Length >= n, nameof(Add));
        ref T rx = ref MemoryMarshal.GetReference(x);
        ref T ry = ref MemoryMarshal.GetReference(y);
        for (nuint i = 0; i < (nuint)n; i += (nuint)Lanes)
            (Vector.LoadUnsafe(ref ry, i) + Vector.LoadUnsafe(ref rx, i)).StoreUnsafe(ref ry, i);
    }

    /// <summary>
    /// x = tanh(x) in place. Float: Eigen's rational approximation (degree 13/6 on [-7.999, 7.999], x itself
    /// below 0.0004), within 5 ulp of tanh and several times cheaper than going through exp. Double (finite-
    /// difference checks, where speed does not matter): the runtime's tanh, element by element.
    /// </summary>
    public static void Tanh(Span<T> x)
    {
        int n = x.Length;
        Require(n % Lanes == 0, nameof(Tanh));
        if (typeof(T) != typeof(float))
        {
            foreach (ref T v in x) v = T.Tanh(v);
            return;
        }
        ref float rx = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x));
        for (nuint i = 0; i < (nuint)n; i += (nuint)Lanes)
            TanhFloat(Vector.LoadUnsafe(ref rx, i)).StoreUnsafe(ref rx, i);
    }

    /// <summary>grad = grad (1 - h^2): through tanh, given its output h.</summary>
    public static void MultiplyByTanhDerivative(Span<T> grad, ReadOnlySpan<T> h)
    {
        int n = grad.Length;
        Require(n % Lanes == 0 && h.Length >= n, nameof(MultiplyByTanhDerivative));
        ref T rg = ref MemoryMarshal.GetReference(grad);
        ref T rh = ref MemoryMarshal.GetReference(h);
        for (nuint i = 0; i < (nuint)n; i += (nuint)Lanes)
        {
            var hv = Vector.LoadUnsafe(ref rh, i);
            (Vector.LoadUnsafe(ref rg, i) * (Vector<T>.One - hv * hv)).StoreUnsafe(ref rg, i);
        }
    }

    /// <summary>
    /// Replaces the first <paramref name="valid"/> entries of <paramref name="row"/> by their softmax and the rest
    /// (the padding up to a whole vector) by zeros; returns log(sum exp) of the valid entries.
    /// </summary>
    public static T Softmax(Span<T> row, int valid)
    {
        int n = row.Length, w = Lanes;
        Require(n % w == 0 && valid >= 1 && valid <= n, nameof(Softmax));
        row[valid..].Fill(T.NegativeInfinity);
        ref T rr = ref MemoryMarshal.GetReference(row);
        var max = new Vector<T>(T.NegativeInfinity);
        for (nuint i = 0; i < (nuint)n; i += (nuint)w) max = Vector.Max(max, Vector.LoadUnsafe(ref rr, i));
        T top = max[0];
        for (int lane = 1; lane < w; lane++) top = T.Max(top, max[lane]);
        var shift = new Vector<T>(top);
        var sum = Vector<T>.Zero;
        for (nuint i = 0; i < (nuint)n; i += (nuint)w)
        {
            var e = Exp(Vector.LoadUnsafe(ref rr, i) - shift);
            e.StoreUnsafe(ref rr, i);
            sum += e;
        }
        T total = Vector.Sum(sum);
        var scale = new Vector<T>(T.One / total);
        for (nuint i = 0; i < (nuint)n; i += (nuint)w) (Vector.LoadUnsafe(ref rr, i) * scale).StoreUnsafe(ref rr, i);
        return top + T.Log(total);
    }

    /// <summary>
    /// Through a softmax: on entry <paramref name="grad"/> holds dL/dalpha, on return dL/ds =
    /// alpha (dL/dalpha - alpha . dL/dalpha). Entries where alpha is zero come out zero.
    /// </summary>
    public static void SoftmaxBackward(Span<T> grad, ReadOnlySpan<T> alpha)
    {
        int n = grad.Length;
        Require(n % Lanes == 0 && alpha.Length >= n, nameof(SoftmaxBackward));
        var mean = new Vector<T>(Dot(alpha[..n], grad));
        ref T rg = ref MemoryMarshal.GetReference(grad);
        ref T ra = ref MemoryMarshal.GetReference(alpha);
        for (nuint i = 0; i < (nuint)n; i += (nuint)Lanes)
            (Vector.LoadUnsafe(ref ra, i) * (Vector.LoadUnsafe(ref rg, i) - mean)).StoreUnsafe(ref rg, i);
    }

    /// <summary>a b + c with one rounding, on every machine: the same bits wherever the lanes are as wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MultiplyAdd(Vector<T> a, Vector<T> b, Vector<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        throw new NotSupportedException($"the fast engine computes in float or double, not {typeof(T).Name}");
    }

    /// <summary>exp(x), for the x &lt;= 0 of softmax rows (shifted by their maximum); 0 below -87.33 and for -inf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Exp(Vector<T> x)
    {
        if (typeof(T) == typeof(float)) return ExpFloat(x.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector.Exp(x.As<T, double>()).As<double, T>();
        throw new NotSupportedException($"the fast engine computes in float or double, not {typeof(T).Name}");
    }

    /// <summary>
    /// Cephes' expf (within 1 ulp): x = n ln 2 + r with |r| &lt;= ln 2 / 2, exp(r) by a degree-7 polynomial, 2^n
    /// written into the exponent. The runtime's Vector.Exp goes through double and costs twice as much.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpFloat(Vector<float> x)
    {
        var n = Vector.Round(x * new Vector<float>(1.44269504088896341f));
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693359375f), x);       // ln 2 in two parts, so n ln 2 is exact enough
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(2.12194440e-4f), r);
        var p = Vector.FusedMultiplyAdd(new Vector<float>(1.9875691500e-4f), r, new Vector<float>(1.3981999507e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(8.3334519073e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(4.1665795894e-2f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.6666665459e-1f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(5.0000001201e-1f));
        var y = Vector.FusedMultiplyAdd(p, r * r, r) + Vector<float>.One;
        var twoToN = Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23).As<int, float>();
        return Vector.ConditionalSelect(Vector.LessThan(x, new Vector<float>(-87.33f)), Vector<float>.Zero, y * twoToN);
    }

    /// <summary>Eigen's generic_fast_tanh_float: x P(x^2) / Q(x^2) on the clamped input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> TanhFloat(Vector<float> input)
    {
        var clamp = new Vector<float>(7.99881172180175781f);
        var x = Vector.Min(Vector.Max(input, -clamp), clamp);
        var x2 = x * x;
        var p = Vector.FusedMultiplyAdd(x2, new Vector<float>(-2.76076847742355e-16f), new Vector<float>(2.00018790482477e-13f));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(-8.60467152213735e-11f));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(5.12229709037114e-08f));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(1.48572235717979e-05f));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(6.37261928875436e-04f));
        p = Vector.FusedMultiplyAdd(p, x2, new Vector<float>(4.89352455891786e-03f));
        var q = Vector.FusedMultiplyAdd(x2, new Vector<float>(1.19825839466702e-06f), new Vector<float>(1.18534705686654e-04f));
        q = Vector.FusedMultiplyAdd(q, x2, new Vector<float>(2.26843463243900e-03f));
        q = Vector.FusedMultiplyAdd(q, x2, new Vector<float>(4.89352518554385e-03f));
        return Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(input), new Vector<float>(0.0004f)), input, x * p / q);
    }

    private static void Require(bool condition, string kernel)
    {
        if (!condition) throw new ArgumentException($"{kernel}: operand sizes do not fit (an engine bug)");
    }
}
