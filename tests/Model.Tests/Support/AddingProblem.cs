using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Support;

/// <summary>
/// TEST-LOCAL adding-problem generator (the project's data source lives in src/Model/Data and is written
/// separately): T steps of (value in [0,1), marker), one marker in each half, target = sum of the marked values.
/// </summary>
internal static class AddingProblem
{
    public static readonly ModelConfig Config = new(InputKind.Dense, 2, 64, 1, Attention: true, TargetKind.Regression);

    public static Batch Make(int count, int steps, ulong seed, ulong stream, ulong index)
    {
        var random = new DeterministicRandom(seed, stream, index);
        var features = new float[count * steps * 2];
        var targets = new float[count];
        int half = steps / 2;
        for (int b = 0; b < count; b++)
        {
            for (int t = 0; t < steps; t++) features[(b * steps + t) * 2] = random.NextFloat();
            foreach (int t in new[] { random.NextInt(half), half + random.NextInt(steps - half) })
            {
                features[(b * steps + t) * 2 + 1] = 1;
                targets[b] += features[(b * steps + t) * 2];
            }
        }
        return new Batch(count, steps, 2, 1, Enumerable.Repeat(steps, count).ToArray(), features, regressionTargets: targets);
    }
}
