using Akka.Actor;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 18 item 3: --wire-precision f32 against bf16 with the coordinator and 2 worker processes on loopback, at a
/// model sizes where the bytes matter (H=512 and H=1024, about 0.27M and 1.05M parameters). Bytes per step are the encoded messages of one step (each worker's
/// weights, each shard's gradient) from the serializer; the loopback interface's byte count over each run, per step,
/// is the measured cross-check (it also carries whatever else uses loopback meanwhile). Runs alternate f32 and bf16.
/// </summary>
public static class Bf16WireFigure
{
    private const int SeqLen = 50, Batch = 32, MicroBatch = 8, Steps = 25, Rounds = 2, Workers = 2;
    private static readonly int[] Hiddens = [512, 1024];

    public static async Task RunAsync()
    {
        foreach (int hidden in Hiddens) await RunAsync(hidden);
    }

    private static async Task RunAsync(int hidden)
    {
        int parameters = ParameterLayout.For(AddingModel.Config(hidden)).TotalSize;
        Report.Heading($"bf16 on the wire: coordinator + {Workers} worker processes (1 thread each) on loopback, adding T={SeqLen} H={hidden} " +
                       $"({parameters:N0} parameters) batch {Batch} micro-batch {MicroBatch}");
        var precisions = new[] { WirePrecision.F32, WirePrecision.Bf16 };
        foreach (var precision in precisions)
            Report.Line($"{precision.Name()}: {EncodedBytesPerStep(parameters, precision) / 1e6:F2} MB encoded per step " +
                        $"({Workers} weight broadcasts + {Batch / MicroBatch} gradients)");
        var rates = precisions.ToDictionary(p => p, _ => new List<double>());
        var stepMs = precisions.ToDictionary(p => p, _ => new List<double>());
        var loopback = precisions.ToDictionary(p => p, _ => new List<double>());
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var precision in precisions)
            {
                long before = LoopbackBytes();
                var metrics = await new TrainingRun(SeqLen, hidden, Batch, MicroBatch, Steps) { Extra = ["--wire-precision", precision.Name()] }
                    .ClusterAsync(Workers);
                loopback[precision].Add((LoopbackBytes() - before) / 1e6 / Steps);
                rates[precision].Add(metrics.MedianExamplesPerSecond);
                stepMs[precision].Add(metrics.MedianStepMs);
            }
        }
        foreach (var precision in precisions)
        {
            Report.Line($"{precision.Name()}: {Report.Runs(rates[precision])} seq/s, step {Report.Runs(stepMs[precision])} ms, " +
                        $"loopback {Report.Runs(loopback[precision], "F2")} MB per step (whole run incl. start, evaluation, checkpoint)");
        }
        Report.Line($"bf16 / f32 throughput, median of the rounds' ratios: {Report.MedianRatio(rates[WirePrecision.Bf16], rates[WirePrecision.F32]):0.00}");
    }

    /// <summary>What one step puts on the wire: a <see cref="WeightsUpdate"/> per worker and a <see cref="ShardCompleted"/> per shard.</summary>
    private static long EncodedBytesPerStep(int parameters, WirePrecision precision)
    {
        using var system = ActorSystem.Create("bench-bf16", NodeConfig.Wire());
        var serializer = new ProtocolSerializer((ExtendedActorSystem)system);
        var values = new float[parameters];
        var weights = new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("all", [parameters], 0)], values), precision);
        var gradient = new ShardCompleted(1, WorkKind.Train, 0, values, 1, MicroBatch, 1, precision);
        return (long)Workers * serializer.EncodedSize(weights) + (long)(Batch / MicroBatch) * serializer.EncodedSize(gradient);
    }

    /// <summary>Bytes received on the loopback interface since boot (/proc/net/dev); 0 where there is none.</summary>
    private static long LoopbackBytes()
    {
        const string file = "/proc/net/dev";
        if (!File.Exists(file)) return 0;
        var line = File.ReadLines(file).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("lo:", StringComparison.Ordinal));
        return line == null ? 0 : long.Parse(line["lo:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
