using Streams = AttnRnnCluster.Model.DeterministicRandom.Streams;

namespace AttnRnnCluster.Model.Data;

/// <summary>
/// The adding problem (Hochreiter &amp; Schmidhuber 1997; Le et al. 2015). Each of T steps carries (value,
/// marker) with value uniform in [0, 1); exactly one marker is 1 in the first half [0, T/2) and one in the
/// second half [T/2, T); the target is the sum of the two marked values. Always predicting 1 scores an MSE of
/// Var(U+U) = 1/6 ≈ 0.167, the baseline a model must beat.
/// </summary>
public sealed class AddingSource : IDataSource
{
    /// <summary>The shortest sequence with a marked number in each half.</summary>
    public const int MinimumSteps = 2;

    private const int Features = 2;
    private readonly int _steps;
    private readonly ulong _seed;

    public AddingSource(int steps, ulong seed, int heldOutSize = 1000)
    {
        if (steps < MinimumSteps) throw new ArgumentOutOfRangeException(nameof(steps), $"the adding problem needs T >= {MinimumSteps} (one marker per half), got {steps}");
        if (heldOutSize < 0) throw new ArgumentOutOfRangeException(nameof(heldOutSize), $"the held-out size must be >= 0, got {heldOutSize}");
        _steps = steps;
        _seed = seed;
        HeldOut = heldOutSize > 0 ? Generate(new DeterministicRandom(seed, Streams.HeldOut), heldOutSize) : null;
        Description = $"adding problem: T={steps}, D=2 (value, marker), O=1, held-out {heldOutSize} sequences, seed {seed}";
    }

    public string Name => "adding";
    public InputKind Input => InputKind.Dense;
    public int InputWidth => Features;
    public TargetKind Target => TargetKind.Regression;
    public int OutputWidth => 1;
    public CharVocabulary? Vocabulary => null;
    public Batch? HeldOut { get; }
    public string Description { get; }

    public Batch TrainBatch(long step, int batchSize)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"step must be >= 0, got {step}");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size must be >= 1, got {batchSize}");
        return Generate(new DeterministicRandom(_seed, Streams.TrainBatch, (ulong)step), batchSize);
    }

    private Batch Generate(DeterministicRandom random, int count)
    {
        int half = _steps / 2;
        var features = new float[count * _steps * Features];
        var targets = new float[count];
        var lengths = new int[count];
        for (int b = 0; b < count; b++)
        {
            Span<float> sequence = features.AsSpan(b * _steps * Features, _steps * Features);
            for (int i = 0; i < sequence.Length; i += Features) sequence[i] = random.NextFloat();
            int first = random.NextInt(half) * Features;
            int second = (half + random.NextInt(_steps - half)) * Features;
            sequence[first + 1] = 1f;
            sequence[second + 1] = 1f;
            targets[b] = sequence[first] + sequence[second];
            lengths[b] = _steps;
        }
        return new Batch(count, _steps, Features, 1, lengths, features: features, regressionTargets: targets);
    }
}
