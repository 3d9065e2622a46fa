using Streams = AttnRnnCluster.Model.DeterministicRandom.Streams;

namespace AttnRnnCluster.Model.Data;

/// <summary>
/// The user's own sequences from a jsonl file (see <see cref="JsonlDataset"/>), for regression or, with
/// classes &gt; 0, classification. Training walks through epochs: epoch e is a permutation of the N sequences
/// drawn from (seed, Shuffle, e), and the training stream is epoch 0's order, then epoch 1's, and so on. Step s
/// with global batch B takes items [s*B, (s+1)*B) of that stream, so B = N sees every sequence exactly once per
/// step. A batch is zero-padded to its longest sequence; Lengths carry the real lengths.
/// </summary>
public sealed class JsonlSource : IDataSource
{
    /// <summary>The fewest classes of a classification (classes 0 means regression); one class would leave nothing to learn.</summary>
    public const int MinimumClasses = 2;

    private readonly JsonlDataset _training;
    private readonly ulong _seed;
    // The permutation most recently used, published as one immutable object so threads may share it safely.
    private EpochOrder? _lastOrder;

    public JsonlSource(string path, string? heldOutPath, int classes, ulong seed)
    {
        if (classes < 0 || classes is > 0 and < MinimumClasses) throw new ArgumentOutOfRangeException(nameof(classes), $"classes must be 0 (regression) or at least {MinimumClasses}, got {classes}");
        _seed = seed;
        _training = JsonlDataset.Load(path, classes);
        JsonlDataset? heldOut = heldOutPath is null ? null : JsonlDataset.Load(heldOutPath, classes, _training.Shape);
        HeldOut = heldOut?.Gather(AllIndices(heldOut.Count));
        string task = classes > 0 ? $"classification into {classes} classes" : $"regression, O={_training.Shape.RegressionOutputs}";
        Description = $"jsonl {path}: {_training.Count} sequences of lengths {_training.ShortestLength}..{_training.LongestLength}, " +
                      $"D={InputWidth}, {task}, held-out " + (heldOut is null ? "none" : $"{heldOutPath}: {heldOut.Count} sequences") + $", seed {seed}";
    }

    public string Name => "jsonl";
    public InputKind Input => InputKind.Dense;
    public int InputWidth => _training.Shape.Width;
    public TargetKind Target => _training.Classes > 0 ? TargetKind.Classification : TargetKind.Regression;
    public int OutputWidth => _training.Classes > 0 ? _training.Classes : _training.Shape.RegressionOutputs;
    public CharVocabulary? Vocabulary => null;
    public Batch? HeldOut { get; }
    public string Description { get; }

    /// <summary>N: the training sequences (one epoch).</summary>
    public int Count => _training.Count;

    public Batch TrainBatch(long step, int batchSize)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"step must be >= 0, got {step}");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}");
        var indices = new int[batchSize];
        long position = step * batchSize;
        for (int b = 0; b < batchSize; b++, position++)
        {
            EpochOrder order = Order(position / Count);
            indices[b] = order.Permutation[position % Count];
        }
        return _training.Gather(indices);
    }

    private EpochOrder Order(long epoch)
    {
        EpochOrder? last = Volatile.Read(ref _lastOrder);
        if (last?.Epoch == epoch) return last;
        var order = new EpochOrder(epoch, new DeterministicRandom(_seed, Streams.Shuffle, (ulong)epoch).Permutation(Count));
        Volatile.Write(ref _lastOrder, order);
        return order;
    }

    private static int[] AllIndices(int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = i;
        return indices;
    }

    private sealed record EpochOrder(long Epoch, int[] Permutation);
}
