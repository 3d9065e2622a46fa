using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using Serilog;

namespace AttnRnnCluster.Coordinator.Commands;

/// <summary>
/// `sample`: text from a text-task checkpoint. Each character is drawn from softmax(logits / temperature)
/// (temperature 0: the most likely one) given the last <see cref="Context"/> characters, with a seeded random
/// source, so the same seed gives the same text.
/// </summary>
public static class SampleCommand
{
    /// <summary>The context window: about what text checkpoints are trained on, and it bounds the cost per character.</summary>
    public const int Context = 256;

    public static int Run(SampleOptions options)
    {
        try
        {
            var checkpoint = CheckpointFiles.Load(options.Checkpoint);
            if (checkpoint.Config.Target != TargetKind.NextToken || checkpoint.Vocabulary is null)
                throw new ArgumentException($"--checkpoint {options.Checkpoint}: not a text model (sampling needs a checkpoint of --task text)");
            var vocabulary = CharVocabulary.FromJson(System.Text.Json.JsonSerializer.Serialize(checkpoint.Vocabulary), options.Checkpoint);
            long[] prompt;
            try
            {
                prompt = vocabulary.Encode(options.Prompt);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--prompt: {e.Message}", e);
            }
            if (prompt.Length == 0) throw new ArgumentException("--prompt: give at least one character");
            using var engine = GradientEngines.Create(checkpoint.Config, options.Threads);
            engine.SetWeights(checkpoint.Weights);
            var text = new List<long>(prompt);
            var random = new DeterministicRandom(options.Seed, DeterministicRandom.Streams.Sampling);
            int v = vocabulary.Count;
            for (int i = 0; i < options.Length; i++)
            {
                int t = Math.Min(text.Count, Context);
                var window = text.GetRange(text.Count - t, t).ToArray();
                var batch = new Batch(1, t, 0, 1, [t], tokens: window, tokenTargets: new long[t]);
                var outputs = engine.Forward(batch);
                text.Add(Draw(outputs.AsSpan((t - 1) * v, v), options.Temperature, random));
            }
            Console.Write(vocabulary.Decode(text.ToArray()));
            Console.WriteLine();
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is CheckpointException or ArgumentException or DataFormatException)
        {
            Log.Error("{Problem}", e.Message);
            return ExitCodes.BadInput;
        }
    }

    private static long Draw(ReadOnlySpan<float> logits, double temperature, DeterministicRandom random)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        if (temperature <= 0) return best;
        var weights = new double[logits.Length];
        double total = 0;
        for (int i = 0; i < logits.Length; i++) total += weights[i] = Math.Exp((logits[i] - logits[best]) / temperature);
        double pick = random.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            pick -= weights[i];
            if (pick < 0) return i;
        }
        return weights.Length - 1;
    }
}
