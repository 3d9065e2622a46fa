using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AttnRnnCluster.Model.Training;

/// <summary>
/// The sum of shard gradients in shard order, built as results arrive: shard k is added once shards 0..k-1 are in, so
/// the sum is ((g0 + g1) + g2) + ... whatever the order they came in, and the bits are those of
/// <see cref="ShardResults.Sum"/>. Only what is left when the last result comes is on the step's critical path: in
/// shard order that is one addition; when shard 0 comes last, all of them.
/// </summary>
public sealed class GradientSum
{
    private readonly float[]?[] _shards;
    private readonly int _length;
    /// <summary>From shard 1 on, the running sum (rented: a step's 4 MB at 1M parameters would land on fresh pages every step).</summary>
    private float[]? _buffer;
    /// <summary>Shards 0.._summed-1 are in the sum (shard 0 alone is its own sum: it is not copied).</summary>
    private int _summed;
    private bool _released;
    /// <summary>The divisor of the mean gradient, whose squared norm the pass that completes the sum measures (null: not measured).</summary>
    private readonly float? _meanDivisor;
    private MeasuredSquares? _measured;

    /// <param name="meanDivisor">
    /// The step's item count, when known in advance: the pass that completes the sum also measures
    /// <see cref="SumOfSquares.OfQuotients"/> of it (see <see cref="Measured"/>), while each value is in the cache.
    /// </param>
    public GradientSum(int shards, int length, float? meanDivisor = null)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards), $"a gradient sum needs at least one shard (got {shards})");
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _shards = new float[]?[shards];
        _length = length;
        _meanDivisor = meanDivisor;
    }

    public bool IsComplete => _summed == _shards.Length;

    /// <summary>Shard <paramref name="shard"/>'s gradient (kept by reference: not to be changed until the sum is released).</summary>
    public void Add(int shard, float[] gradient)
    {
        CheckIndex(shard);
        if (gradient.Length != _length)
            throw new ArgumentException($"shard {shard} gradient has {gradient.Length} values, the sum has {_length}", nameof(gradient));
        if (_shards[shard] != null) throw new InvalidOperationException($"shard {shard} is in the sum already");
        _shards[shard] = gradient;
        Advance();
    }

    /// <summary>Takes a shard's gradient back out (its result was doubted); if it was summed already, the sum starts again from shard 0.</summary>
    public void Remove(int shard)
    {
        CheckIndex(shard);
        if (_shards[shard] == null) return;
        _shards[shard] = null;
        _measured = null;
        if (shard >= _summed) return;
        // The sum cannot subtract (float addition does not undo): it is built again up to the gap, and on once it is filled.
        _summed = 0;
        Advance();
    }

    /// <summary>
    /// The sum of every shard's gradient, in shard order; only once all are in, and until <see cref="Release"/>. With one
    /// shard it is that shard's own gradient. Read only.
    /// </summary>
    public ReadOnlyMemory<float> Sum
    {
        get
        {
            if (!IsComplete || _released) throw new InvalidOperationException($"the gradient sum has {_summed} of {_shards.Length} shards in order{(_released ? " and was released" : "")}");
            return _shards.Length == 1 ? _shards[0] : _buffer.AsMemory(0, _length);
        }
    }

    /// <summary>
    /// <see cref="SumOfSquares.OfQuotients"/> of <see cref="Sum"/> by the mean divisor given at construction, with its bits,
    /// measured by the pass that completed the sum; null without a divisor, with a single shard (its sum is the shard
    /// itself: no pass), or before the sum is complete.
    /// </summary>
    public MeasuredSquares? Measured => IsComplete && !_released ? _measured : null;

    /// <summary>Gives the sum's buffer back for the next step's sum; the sum cannot be read after.</summary>
    public void Release()
    {
        if (_released) return;
        _released = true;
        if (_buffer != null) ArrayPool<float>.Shared.Return(_buffer);
        _buffer = null;
    }

    private void CheckIndex(int shard)
    {
        if ((uint)shard >= (uint)_shards.Length)
            throw new ArgumentOutOfRangeException(nameof(shard), $"shard {shard} is not one of the sum's {_shards.Length}");
        if (_released) throw new InvalidOperationException("the gradient sum was released");
    }

    /// <summary>
    /// Adds the shards that follow the summed ones without a gap, all in one pass over the values: the running sum (or
    /// shard 0) plus each of them in shard order, value by value. The same bits as one pass per shard, with the sum
    /// written once: when shard 0 comes last, that is the whole sum in one pass instead of one per shard.
    /// </summary>
    private void Advance()
    {
        int end = _summed;
        while (end < _shards.Length && _shards[end] != null) end++;
        if (end <= Math.Max(_summed, 1))
        {
            _summed = Math.Max(_summed, end);
            return;
        }
        // The first term: shard 0 itself while nothing else is summed, else the running sum.
        var first = _summed <= 1 ? _shards[0]! : _buffer!;
        var addends = _shards[Math.Max(_summed, 1)..end].Select(a => a!).ToArray();
        _buffer ??= ArrayPool<float>.Shared.Rent(_length);
        var sum = _buffer;
        if (end == _shards.Length && _meanDivisor is { } divisor)
        {
            // The pass that completes the sum measures the mean gradient's squared norm too, strip by strip as it is written.
            var blockSums = new double[FixedBlocks.Count(_length)];
            FixedBlocks.ForEach(_length, (block, start, count) => blockSums[block] = AddBlocks(first, addends, sum, start, count, divisor));
            _measured = new MeasuredSquares(divisor, SumOfSquares.InBlockOrder(blockSums));
        }
        else
            FixedBlocks.ForEach(_length, (_, start, count) => AddBlocks(first, addends, sum, start, count, divisor: null));
        _summed = end;
    }

    /// <summary>
    /// sum = ((first + addends[0]) + addends[1]) + ... over one block, in strips that stay in the cache; with a
    /// <paramref name="divisor"/>, returns the block's sum of squared quotients of the finished values (else 0).
    /// </summary>
    private static double AddBlocks(float[] first, float[][] addends, float[] sum, int start, int count, float? divisor)
    {
        const int strip = 1024; // whole vectors: the norm's lanes see the block's values in the order of one pass over it
        var squares = new SumOfSquares.BlockQuotients(divisor ?? 1);
        for (int at = start; at < start + count; at += strip)
        {
            int length = Math.Min(strip, start + count - at);
            AddBlock(first.AsSpan(at, length), addends[0].AsSpan(at, length), sum.AsSpan(at, length));
            for (int k = 1; k < addends.Length; k++)
                AddBlock(sum.AsSpan(at, length), addends[k].AsSpan(at, length), sum.AsSpan(at, length));
            if (divisor != null) squares.Add(sum.AsSpan(at, length));
        }
        return divisor != null ? squares.Total() : 0;
    }

    /// <summary><paramref name="sum"/>[i] = <paramref name="left"/>[i] + <paramref name="right"/>[i] (all of one length; <paramref name="sum"/> may be either), in blocks side by side: each value's addition is independent of the others.</summary>
    public static void Add(float[] left, float[] right, float[] sum)
    {
        if (right.Length != left.Length || sum.Length != left.Length) throw new ArgumentException($"adding {right.Length} values to {left.Length} into {sum.Length}", nameof(right));
        Add(left, right, sum, left.Length);
    }

    /// <summary>
    /// <paramref name="sum"/>[i] += <paramref name="addend"/>[i]: one shard added to a running sum, value by value, the same
    /// bits as the pass of <see cref="GradientSum"/> that adds it (a relay of the chain data plane adds its shards so).
    /// </summary>
    public static void AddTo(Span<float> sum, ReadOnlySpan<float> addend)
    {
        if (addend.Length != sum.Length) throw new ArgumentException($"adding {addend.Length} values to {sum.Length}", nameof(addend));
        AddBlock(sum, addend, sum);
    }

    private static void Add(float[] left, float[] right, float[] sum, int length) =>
        FixedBlocks.ForEach(length, (_, start, count) => AddBlock(left.AsSpan(start, count), right.AsSpan(start, count), sum.AsSpan(start, count)));

    private static void AddBlock(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> sum)
    {
        ref float a = ref MemoryMarshal.GetReference(left);
        ref float b = ref MemoryMarshal.GetReference(right);
        ref float target = ref MemoryMarshal.GetReference(sum);
        int i = 0;
        for (; i + Vector512<float>.Count <= sum.Length; i += Vector512<float>.Count)
            (Vector512.LoadUnsafe(ref a, (nuint)i) + Vector512.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
        for (; i < sum.Length; i++) sum[i] = left[i] + right[i];
    }
}
