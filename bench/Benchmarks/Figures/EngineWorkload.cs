using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// A model and its batches for <see cref="EnginesFigure"/>: the adding problem with and without attention,
/// and a text-like one (tokens, V = 65, D = 32, next token) whose cost is text's without needing a corpus.
/// </summary>
public sealed record EngineWorkload(string Name, ModelConfig Config, Func<long, Batch> BatchAt, PythonPeer.Workload PeerWorkload)
{
    public const int BatchSize = 64, SequenceLength = 100, Hidden = 64, Vocabulary = 65, Embedding = 32;

    public static IReadOnlyList<EngineWorkload> All { get; } =
    [
        Adding("adding, attention on", attention: true),
        Adding("adding, attention off", attention: false),
        new($"text-like: tokens V={Vocabulary}, D={Embedding}, next token",
            new ModelConfig(InputKind.Tokens, Embedding, Hidden, Vocabulary, Attention: true, TargetKind.NextToken, VocabSize: Vocabulary),
            RandomTokens, PythonPeer.Workload.Text),
    ];

    private static EngineWorkload Adding(string name, bool attention)
    {
        var source = new AddingSource(SequenceLength, seed: 1, heldOutSize: 0);
        return new EngineWorkload(name, new ModelConfig(InputKind.Dense, 2, Hidden, 1, attention, TargetKind.Regression),
            step => source.TrainBatch(step, BatchSize), attention ? PythonPeer.Workload.Adding : PythonPeer.Workload.AddingWithoutAttention);
    }

    /// <summary>Uniform random tokens, each sequence's target the next token.</summary>
    private static Batch RandomTokens(long step)
    {
        var random = new DeterministicRandom(1, DeterministicRandom.Streams.TrainBatch, (ulong)step);
        var stream = Enumerable.Range(0, BatchSize * (SequenceLength + 1)).Select(_ => (long)random.NextInt(Vocabulary)).ToArray();
        var tokens = new long[BatchSize * SequenceLength];
        var targets = new long[BatchSize * SequenceLength];
        for (int b = 0; b < BatchSize; b++)
        for (int t = 0; t < SequenceLength; t++)
        {
            tokens[b * SequenceLength + t] = stream[b * (SequenceLength + 1) + t];
            targets[b * SequenceLength + t] = stream[b * (SequenceLength + 1) + t + 1];
        }
        return new Batch(BatchSize, SequenceLength, 0, 1, Enumerable.Repeat(SequenceLength, BatchSize).ToArray(),
            tokens: tokens, tokenTargets: targets);
    }
}
