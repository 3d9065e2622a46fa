using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model;

/// <summary>
/// Initial weights, drawn from <see cref="DeterministicRandom"/> so that a seed gives the same bits on every
/// machine. Each parameter has its own stream index, its position in <see cref="ParameterLayout.AllNames"/>
/// (not in the config's layout), so turning attention on or off leaves the other parameters' draws unchanged. The distributions are the spec's suggestions.
/// </summary>
public static class ModelInitializer
{
    /// <summary>Flat weights in <see cref="ParameterLayout"/> order.</summary>
    public static float[] Initialize(ModelConfig config, ulong seed)
    {
        config.Validate();
        var layout = ParameterLayout.For(config);
        var weights = new float[layout.TotalSize];
        foreach (var spec in layout.Parameters)
        {
            var random = new DeterministicRandom(seed, DeterministicRandom.Streams.Init, StreamIndex(spec.Name));
            var span = weights.AsSpan(spec.Offset, spec.Size);
            if (spec.Name == "embedding.weight")
            {
                for (int i = 0; i < span.Length; i++) span[i] = random.NextGaussian();
                continue;
            }
            // PyTorch-like fan-in bounds: W_v's inputs are D-wide contexts, every other parameter feeds or is an H-wide state.
            float bound = 1f / MathF.Sqrt(spec.Name == "attention.w_v" ? config.InputWidth : config.Hidden);
            for (int i = 0; i < span.Length; i++) span[i] = random.NextUniform(-bound, bound);
        }
        return weights;
    }

    private static ulong StreamIndex(string name) => (ulong)ParameterLayout.AllNames.ToList().IndexOf(name);
}
