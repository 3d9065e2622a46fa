using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Support;

/// <summary>Small random batches of every kind the model takes, keyed by a seed, for the tests.</summary>
internal static class TestBatches
{
    /// <summary>A batch for <paramref name="config"/> whose padded steps hold <paramref name="padding"/> (features) or id 0 (tokens).</summary>
    public static Batch For(ModelConfig config, int[] lengths, int steps, ulong seed, float padding = 0f)
    {
        var random = new DeterministicRandom(seed);
        int count = lengths.Length;
        float[]? features = null;
        long[]? tokens = null;
        if (config.Input == InputKind.Dense)
        {
            features = new float[count * steps * config.InputWidth];
            for (int b = 0; b < count; b++)
            for (int t = 0; t < steps; t++)
            for (int d = 0; d < config.InputWidth; d++)
                features[(b * steps + t) * config.InputWidth + d] = t < lengths[b] ? random.NextUniform(-1, 1) : padding;
        }
        else
        {
            tokens = new long[count * steps];
            for (int b = 0; b < count; b++)
            for (int t = 0; t < lengths[b]; t++)
                tokens[b * steps + t] = random.NextInt(config.VocabSize);
        }
        return config.Target switch
        {
            TargetKind.Regression => new Batch(count, steps, Width(config), config.OutputWidth, lengths, features, tokens,
                regressionTargets: Enumerable.Range(0, count * config.OutputWidth).Select(_ => random.NextUniform(-1, 1)).ToArray()),
            TargetKind.Classification => new Batch(count, steps, Width(config), 1, lengths, features, tokens,
                classTargets: Enumerable.Range(0, count).Select(_ => (long)random.NextInt(config.OutputWidth)).ToArray()),
            _ => new Batch(count, steps, Width(config), 1, lengths, features, tokens,
                tokenTargets: Enumerable.Range(0, count * steps).Select(_ => (long)random.NextInt(config.VocabSize)).ToArray()),
        };
    }

    private static int Width(ModelConfig config) => config.Input == InputKind.Dense ? config.InputWidth : 0;
}
