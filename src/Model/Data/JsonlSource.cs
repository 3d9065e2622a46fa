using Streams = AttnRnnCluster.Model.DeterministicRandom.Streams;

namespace AttnRnnCluster.Model.Data;

/// <summary>
/// The user's own sequences from a jsonl file (see <see cref="JsonlDataset"/>), for regression or, with
/// classes &gt; 0, classification. The held-out set is a separate file, or else the file's last held-out-size
/// sequences, which are then never trained on. Training walks through epochs over the N training sequences:
/// epoch e is a permutation of them drawn from (seed, Shuffle, e), and the training stream is epoch 0's order,
/// then epoch 1's, and so on. Step s with global batch B takes items [s*B, (s+1)*B) of that stream, so B = N
/// sees every sequence exactly once per step. A batch is zero-padded to its longest sequence; Lengths carry the
/// real lengths.
/// </summary>
public sealed class JsonlSource : IDataSource
{
    /// <summary>The fewest classes of a classification (classes 0 means regression); one class would leave nothing to learn.</summary>
    public const int MinimumClasses = 2;

    private readonly JsonlDataset _sequences;
    private readonly ulong _seed;
    // The permutation most recently used, published as one immutable object so threads may share it safely.
    private EpochOrder? _lastOrder;

    /// <param name="heldOutPath">A separate held-out file; null to hold out the last <paramref name="heldOutSize"/> sequences of <paramref name="path"/>.</param>
    /// <param name="heldOutSize">Without a held-out file, how many of the file's last sequences are held out (0: none).</param>
    public JsonlSource(string path, string? heldOutPath, int classes, ulong seed, int heldOutSize = 0)
    {
        if (classes < 0 || classes is > 0 and < MinimumClasses) throw new ArgumentOutOfRangeException(nameof(classes), $"classes must be 0 (regression) or at least {MinimumClasses}, got {classes}");
        if (heldOutSize < 0) throw new ArgumentOutOfRangeException(nameof(heldOutSize), $"the held-out size must be >= 0, got {heldOutSize}");
        _seed = seed;
        _sequences = JsonlDataset.Load(path, classes);
        string heldOutDescription;
        if (heldOutPath is not null)
        {
            Count = _sequences.Count;
            JsonlDataset heldOut = JsonlDataset.Load(heldOutPath, classes, _sequences.Shape);
            HeldOut = heldOut.Gather(Indices(0, heldOut.Count));
            heldOutDescription = $"{heldOutPath}: {heldOut.Count} sequences";
        }
        else
        {
            Count = _sequences.Count - heldOutSize;
            if (Count < 1)
                throw new DataFormatException(path, null,
                    $"the file has {_sequences.Count} sequences and the held-out set is its last {heldOutSize}, which leaves none to train on; " +
                    $"give a separate held-out file (--eval-data) or a held-out size below {_sequences.Count} (--held-out)");
            HeldOut = heldOutSize > 0 ? _sequences.Gather(Indices(Count, heldOutSize)) : null;
            heldOutDescription = heldOutSize > 0 ? $"its last {heldOutSize} sequences, the first {Count} train" : "none";
        }
        string task = classes > 0 ? $"classification into {classes} classes" : $"regression, O={_sequences.Shape.RegressionOutputs}";
        Description = $"jsonl {path}: {_sequences.Count} sequences of lengths {_sequences.ShortestLength}..{_sequences.LongestLength}, " +
                      $"D={InputWidth}, {task}, held-out {heldOutDescription}, seed {seed}";
    }

    public string Name => "jsonl";
    public InputKind Input => InputKind.Dense;
    public int InputWidth => _sequences.Shape.Width;
    public TargetKind Target => _sequences.Classes > 0 ? TargetKind.Classification : TargetKind.Regression;
    public int OutputWidth => _sequences.Classes > 0 ? _sequences.Classes : _sequences.Shape.RegressionOutputs;
    public CharVocabulary? Vocabulary => null;
    public Batch? HeldOut { get; }
    public string Description { get; }

    /// <summary>N: the training sequences (one epoch), the file's first N.</summary>
    public int Count { get; }

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
        return _sequences.Gather(indices);
    }

    private EpochOrder Order(long epoch)
    {
        EpochOrder? last = Volatile.Read(ref _lastOrder);
        if (last?.Epoch == epoch) return last;
        var order = new EpochOrder(epoch, new DeterministicRandom(_seed, Streams.Shuffle, (ulong)epoch).Permutation(Count));
        Volatile.Write(ref _lastOrder, order);
        return order;
    }

    private static int[] Indices(int start, int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = start + i;
        return indices;
    }

    private sealed record EpochOrder(long Epoch, int[] Permutation);
}
