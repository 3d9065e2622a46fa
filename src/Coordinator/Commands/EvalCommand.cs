using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Network;
using Serilog;

namespace AttnRnnCluster.Coordinator.Commands;

/// <summary>
/// `eval`: the mean loss of a checkpoint on the held-out set a training run with the same data options measures
/// (--eval-data, else the part of --data it holds out). Text reports nats and bits per character.
/// </summary>
public static class EvalCommand
{
    public static int Run(EvalOptions options)
    {
        try
        {
            var checkpoint = CheckpointFiles.Load(options.Checkpoint);
            var vocabulary = checkpoint.Vocabulary is { } chars
                ? CharVocabulary.FromJson(System.Text.Json.JsonSerializer.Serialize(chars), options.Checkpoint)
                : null;
            var data = options.Data;
            var source = DataSources.Create(new DataSettings(TrainingSetup.TaskName(data.Task), data.Data, data.EvalData,
                data.Classes, data.SeqLen, options.Seed, data.HeldOut), vocabulary);
            var heldOut = source.HeldOut ?? throw new ArgumentException($"--task {TrainingSetup.TaskName(data.Task)}: there is no held-out set to evaluate on");
            var expected = TrainingSetup.ModelConfigFor(source, new ModelOptions { Hidden = checkpoint.Config.Hidden, Embed = checkpoint.Config.InputWidth, Attention = checkpoint.Config.Attention });
            if (expected != checkpoint.Config)
                throw new ArgumentException($"--checkpoint {options.Checkpoint}: its model ({ModelConfigJson.Serialize(checkpoint.Config)}) does not fit this data ({ModelConfigJson.Serialize(expected)})");

            using var engine = GradientEngines.Create(checkpoint.Config, options.Threads);
            engine.SetWeights(checkpoint.Weights);
            double lossSum = 0;
            long items = 0;
            for (int start = 0; start < heldOut.Count; start += options.Batch)
            {
                var (sum, count) = engine.Evaluate(heldOut.Slice(start, Math.Min(options.Batch, heldOut.Count - start)));
                lossSum += sum;
                items += count;
            }
            double loss = Losses.ReportedMean(lossSum, items, checkpoint.Config);
            if (checkpoint.Config.Target == TargetKind.NextToken)
                Log.Information("eval {Checkpoint} (step {Step}) on {Data}: {Loss:0.#####} nats/char, {Bits:0.#####} bits/char over {Items} characters",
                    options.Checkpoint, checkpoint.Step, source.Description, loss, TextMetrics.BitsPerCharacter(loss), items);
            else
                Log.Information("eval {Checkpoint} (step {Step}) on {Data}: loss {Loss:0.######} over {Items} items",
                    options.Checkpoint, checkpoint.Step, source.Description, loss, items);
            Console.WriteLine(loss.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is DataFormatException or CheckpointException or ArgumentException)
        {
            Log.Error("{Problem}", e.Message);
            return ExitCodes.BadInput;
        }
    }
}
