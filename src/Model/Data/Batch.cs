namespace AttnRnnCluster.Model.Data;

/// <summary>
/// A batch of sequences as plain row-major arrays, so it can be built, sliced and sent without TorchSharp.
/// Sequences may be shorter than <see cref="Steps"/>: steps at or after <c>Lengths[b]</c> are padding, never
/// attended to and never in a loss. Exactly one of <see cref="Features"/> / <see cref="Tokens"/> is set, and
/// exactly one of the three target arrays.
/// </summary>
public sealed class Batch
{
    public Batch(int count, int steps, int width, int outputWidth, int[] lengths,
        float[]? features = null, long[]? tokens = null,
        float[]? regressionTargets = null, long[]? classTargets = null, long[]? tokenTargets = null)
    {
        Count = count;
        Steps = steps;
        Width = width;
        OutputWidth = outputWidth;
        Lengths = lengths;
        Features = features;
        Tokens = tokens;
        RegressionTargets = regressionTargets;
        ClassTargets = classTargets;
        TokenTargets = tokenTargets;
        Validate();
    }

    /// <summary>B: sequences in the batch.</summary>
    public int Count { get; }
    /// <summary>T: padded length.</summary>
    public int Steps { get; }
    /// <summary>D for dense input; 0 for token input.</summary>
    public int Width { get; }
    /// <summary>O for regression; 1 for class and token targets.</summary>
    public int OutputWidth { get; }
    /// <summary>[B] real lengths, each in 1..T.</summary>
    public int[] Lengths { get; }
    /// <summary>[B*T*D] dense inputs, or null.</summary>
    public float[]? Features { get; }
    /// <summary>[B*T] token ids, or null.</summary>
    public long[]? Tokens { get; }
    /// <summary>[B*O] regression targets for the last real step, or null.</summary>
    public float[]? RegressionTargets { get; }
    /// <summary>[B] class indices for the last real step, or null.</summary>
    public long[]? ClassTargets { get; }
    /// <summary>[B*T] next-token targets (position t predicts TokenTargets[b*T+t]); padded positions are ignored.</summary>
    public long[]? TokenTargets { get; }

    /// <summary>The number of loss items: sequences for last-step targets, real positions for token targets.</summary>
    public long LossItems => TokenTargets != null ? Lengths.Sum(l => (long)l) : Count;

    /// <summary>Sequences [start, start+count) as a new batch (copies).</summary>
    public Batch Slice(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, {start + count}) is outside a batch of {Count}");
        int perSeqTokens = Steps;
        return new Batch(count, Steps, Width, OutputWidth, Lengths[start..(start + count)],
            Features?[(start * Steps * Width)..((start + count) * Steps * Width)],
            Tokens?[(start * perSeqTokens)..((start + count) * perSeqTokens)],
            RegressionTargets?[(start * OutputWidth)..((start + count) * OutputWidth)],
            ClassTargets?[start..(start + count)],
            TokenTargets?[(start * perSeqTokens)..((start + count) * perSeqTokens)]);
    }

    private void Validate()
    {
        if (Count < 1 || Steps < 1) throw new ArgumentException($"a batch needs at least one sequence and one step (got B={Count}, T={Steps})");
        if ((Features == null) == (Tokens == null)) throw new ArgumentException("a batch has either dense features or tokens, not both or neither");
        if (Features != null && Features.Length != Count * Steps * Width) throw new ArgumentException($"features: expected {Count}*{Steps}*{Width} values, got {Features.Length}");
        if (Tokens != null && Tokens.Length != Count * Steps) throw new ArgumentException($"tokens: expected {Count}*{Steps} ids, got {Tokens.Length}");
        if (Lengths.Length != Count) throw new ArgumentException($"lengths: expected {Count}, got {Lengths.Length}");
        foreach (int length in Lengths)
            if (length < 1 || length > Steps) throw new ArgumentException($"a sequence length {length} is outside 1..{Steps}");
        int targets = (RegressionTargets != null ? 1 : 0) + (ClassTargets != null ? 1 : 0) + (TokenTargets != null ? 1 : 0);
        if (targets != 1) throw new ArgumentException("a batch has exactly one kind of target");
        if (RegressionTargets != null && RegressionTargets.Length != Count * OutputWidth) throw new ArgumentException($"regression targets: expected {Count}*{OutputWidth}, got {RegressionTargets.Length}");
        if (ClassTargets != null && ClassTargets.Length != Count) throw new ArgumentException($"class targets: expected {Count}, got {ClassTargets.Length}");
        if (TokenTargets != null && TokenTargets.Length != Count * Steps) throw new ArgumentException($"token targets: expected {Count}*{Steps}, got {TokenTargets.Length}");
    }
}
