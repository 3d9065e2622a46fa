using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 18.2: the coordinator's serial cost per step, between the step's last shard result and the broadcast's
/// bytes, through the coordinator's own code (a real <see cref="ShardRound"/>, <see cref="MasterState"/> with Adam
/// and clipping, which also writes the broadcast's recycled buffer, the broadcast message, and the protocol serializer),
/// with simulated results: one shard per worker. The results before the
/// last arrive while the last one computes, so only the last one's handling is on the step's critical path. Both
/// arrival orders are measured: in shard order (the last result is the last shard), and the worst, shard 0 last.
/// </summary>
public static class SerialFigure
{
    private const int Repeats = 15;
    /// <summary>Steps not counted: the JIT's tiers, and the GC's heap growing to the steps' buffers (fresh pages fault).</summary>
    private const int WarmUp = 5;
    private static readonly int[] TargetParameters = [100_000, 330_000, 1_000_000, 4_000_000];
    private static readonly int[] WorkerCounts = [1, 2, 4, 8];
    private const double GoalMs = 3;

    public static void Run()
    {
        Report.Heading($"serial: the coordinator's work from the last shard result to the broadcast's bytes (median of {Repeats} steps; Adam, clipping on, f32 wire, {Environment.ProcessorCount} cores)");
        using var system = ActorSystem.Create("serial-figure", NodeConfig.Wire().WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        var serializer = new ProtocolSerializer((ExtendedActorSystem)system);
        Report.Line("| parameters | workers | last result | validate+keep | reduce_optimizer | message | encode | total |");
        Report.Line("|---|---|---|---|---|---|---|---|");
        double? totalAtOneMillion = null;
        foreach (int target in TargetParameters)
        {
            var config = ConfigNear(target);
            int size = ParameterLayout.For(config).TotalSize;
            foreach (int workers in WorkerCounts)
            {
                foreach (bool worstOrder in workers == 1 ? [false] : new[] { false, true })
                {
                    var parts = Measure(config, size, workers, worstOrder, serializer);
                    var medians = parts.Select(Report.Median).ToArray();
                    double total = medians.Sum();
                    string last = worstOrder ? "shard 0" : $"shard {workers - 1}";
                    Report.Line($"| {size:N0} | {workers} | {last} | {medians[0]:F2} | {medians[1]:F2} | {medians[2]:F2} | {medians[3]:F2} | {total:F2} |");
                    if (target == 1_000_000 && !worstOrder) totalAtOneMillion = Math.Max(totalAtOneMillion ?? 0, total);
                }
            }
        }
        foreach (int target in TargetParameters) PartsOfTheUpdate(ConfigNear(target));
        if (totalAtOneMillion is { } ms)
            Report.Line($"at ~1M parameters, arrival in shard order, the slowest worker count: {ms:F2} ms (goal <= {GoalMs} ms) -> {(ms <= GoalMs ? "met" : "NOT met")}");
    }

    /// <summary>Where reduce_optimizer's time goes: each of its passes alone.</summary>
    private static void PartsOfTheUpdate(ModelConfig config)
    {
        int size = ParameterLayout.For(config).TotalSize;
        var random = new Random(18);
        var sum = Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5) * 1e-2f).ToArray();
        var addend = Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5) * 1e-2f).ToArray();
        var weights = new float[size];
        var adam = new AdamOptimizer(size);
        var add = new List<double>();
        var divide = new List<double>();
        var step = new List<double>();
        var stepAndCopy = new List<double>();
        var completing = new List<double>();
        var completingAndNorm = new List<double>();
        var broadcast = new float[size];
        for (int repeat = 0; repeat < Repeats + WarmUp; repeat++)
        {
            var clock = Stopwatch.StartNew();
            GradientSum.Add(sum, addend, sum);
            double addMs = Lap(clock);
            double norm = Math.Sqrt(SumOfSquares.OfQuotients(sum, 64f));
            double divideMs = Lap(clock);
            adam.Step(weights, sum, 1e-3, 64f, GradientClipping.ScaleFor(norm, 1e-3));
            double stepMs = Lap(clock);
            adam.Step(weights, sum, 1e-3, 64f, GradientClipping.ScaleFor(norm, 1e-3), broadcast);
            double stepAndCopyMs = Lap(clock);
            double completingMs = CompletingPass(sum, addend, meanDivisor: null);
            double completingAndNormMs = CompletingPass(sum, addend, meanDivisor: 64f);

            if (repeat < WarmUp) continue;
            add.Add(addMs);
            divide.Add(divideMs);
            step.Add(stepMs);
            stepAndCopy.Add(stepAndCopyMs);
            completing.Add(completingMs);
            completingAndNorm.Add(completingAndNormMs);
        }
        Report.Line($"the passes at {size:N0} parameters (ms): adding one shard's gradient {Report.Runs(add, "F2")}; the norm of the mean gradient {Report.Runs(divide, "F2")}; dividing and clipping with Adam {Report.Runs(step, "F2")}; the same writing the broadcast's buffer too {Report.Runs(stepAndCopy, "F2")}; a gradient sum's last addition (2 shards) {Report.Runs(completing, "F2")}, the same measuring the norm {Report.Runs(completingAndNorm, "F2")}");
    }

    /// <summary>The time of the pass that completes a two-shard <see cref="GradientSum"/>, with or without measuring the mean gradient's norm (ms).</summary>
    private static double CompletingPass(float[] first, float[] second, float? meanDivisor)
    {
        var sum = new GradientSum(2, first.Length, meanDivisor);
        sum.Add(0, first);
        var clock = Stopwatch.StartNew();
        sum.Add(1, second);
        double ms = clock.Elapsed.TotalMilliseconds;
        sum.Release();
        return ms;
    }

    /// <summary>The adding model (the figures' model) with the hidden width whose parameter count is nearest <paramref name="target"/>.</summary>
    private static ModelConfig ConfigNear(int target)
    {
        var best = AddingModel.Config(1);
        for (int hidden = 1; hidden <= 4096; hidden++)
        {
            var config = AddingModel.Config(hidden);
            int size = ParameterLayout.For(config).TotalSize;
            if (Math.Abs(size - target) < Math.Abs(ParameterLayout.For(best).TotalSize - target)) best = config;
            if (size > target) break;
        }
        return best;
    }

    /// <summary>Per step: the last result's validation and keeping, the optimizer step (which fills the broadcast's buffer), the broadcast message, its encoding (ms).</summary>
    private static List<double>[] Measure(ModelConfig config, int size, int workers, bool worstOrder, ProtocolSerializer serializer)
    {
        var random = new Random(18);
        var gradients = Enumerable.Range(0, workers)
            .Select(_ => Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5) * 1e-2f).ToArray()).ToArray();
        var weights = Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var master = new MasterState(config, weights, 0, new AdamOptimizer(size), new UpdateRule(LearningRateSchedule.Constant(1e-3), ClipNorm: 1.0));
        var counts = Enumerable.Repeat(16L, workers).ToArray();
        var order = Enumerable.Range(0, workers).ToArray();
        if (worstOrder) order = [.. order.Skip(1), 0];
        byte[]? buffer = null;
        var parts = Enumerable.Range(0, 4).Select(_ => new List<double>()).ToArray();
        for (int step = 0; step < Repeats + WarmUp; step++)
        {
            var round = new ShardRound(master.Version, WorkKind.Train, new SequenceBatch[workers], counts, size);
            foreach (int shard in order.SkipLast(1)) Offer(round, shard, master.Version, gradients[shard]);
            var clock = Stopwatch.StartNew();
            Offer(round, order[^1], master.Version, gradients[order[^1]]);
            double keep = Lap(clock);
            master.Apply(round);
            round.ReleaseGradientSum();
            double apply = Lap(clock);
            var broadcast = master.LoanedWeightsMessage();
            double messageMs = Lap(clock);
            int length = serializer.EncodedSize(broadcast);
            if (buffer?.Length != length) buffer = new byte[length];
            serializer.ToBinary(broadcast, buffer);
            double encode = Lap(clock);
            broadcast.Loan!.Release(); // sent, as the coordinator does after the transport's Tell (no in-process reader here)
            if (step < WarmUp) continue; // warm-up: the JIT's tiers, the first touch of the buffers
            parts[0].Add(keep);
            parts[1].Add(apply);
            parts[2].Add(messageMs);
            parts[3].Add(encode);
        }
        return parts;
    }

    private static void Offer(ShardRound round, int shard, long version, float[] gradient)
    {
        var verdict = round.Offer(new WorkerId(shard), new ShardCompleted(version, WorkKind.Train, shard, gradient, 1.0, 16, 1.0), out string? problem);
        if (verdict != ResultVerdict.Accepted) throw new InvalidOperationException($"the simulated result for shard {shard} was not accepted ({verdict}): {problem}");
    }

    private static double Lap(Stopwatch clock)
    {
        double ms = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        return ms;
    }
}
