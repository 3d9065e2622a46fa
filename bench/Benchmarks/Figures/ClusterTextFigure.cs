using System.Globalization;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 18 item 5: the cluster at real sizes against PyTorch DDP. The char LM on tinyshakespeare (T=128, embed 32,
/// global batch 32) at H=512 and H=1024: our coordinator and W worker processes (1 thread each, micro-batch 16, so
/// two shards a step; f32 on the wire, and bf16 with 2 workers) against ddp_text_peer.py with WORLD = W (1 thread per
/// rank, 16 sequences per rank at W=2), for W = 1 and 2, the most a 2-core machine runs fairly. Each round runs every
/// setting once, ours and the peer back to back, the one going first swapped every round, so both see the same
/// stretch of load; the ratios ours / DDP are the median of the rounds' ratios.
/// </summary>
public static class ClusterTextFigure
{
    private const int SeqLen = 128, Embed = 32, Batch = 32, MicroBatch = 16, Rounds = 2;

    /// <summary>
    /// Ours: the median of steps 5-14 of each run (fresh processes: the JIT and the first weights settle in the first
    /// few steps). The peer: its rate over 5 steps after its own 2 warm-up steps. A step at H=1024 with one worker is
    /// about half a second on a quiet core; so few steps keep the figure short (18 minutes at load average 19-30).
    /// </summary>
    private const int Steps = 14, WarmUpSteps = 4, PeerSteps = 5;

    private static readonly int[] Hiddens = [512, 1024];
    private static readonly int[] Workers = [1, 2];

    /// <summary>What a run measures: ours with f32 or bf16 on the wire, or the peer.</summary>
    private enum Side { OursF32, OursBf16, Ddp }

    public static async Task RunAsync(PythonPeer? peer)
    {
        string data = Path.GetFullPath(Path.Combine(Repository.Root, "..", "shared", "data", "tinyshakespeare.txt"));
        if (!File.Exists(data))
        {
            Report.Line($"cluster-text skipped: {data} is absent");
            return;
        }
        int vocabulary = File.ReadAllText(data).Distinct().Count();
        foreach (int hidden in Hiddens) await RunAsync(peer, data, vocabulary, hidden);
    }

    private static async Task RunAsync(PythonPeer? peer, string data, int vocabulary, int hidden)
    {
        var config = new ModelConfig(InputKind.Tokens, Embed, hidden, vocabulary, Attention: true, TargetKind.NextToken, VocabSize: vocabulary);
        Report.Heading($"cluster-text: the char LM on tinyshakespeare, T={SeqLen} H={hidden} embed {Embed} V={vocabulary} " +
                       $"({ParameterLayout.For(config).TotalSize:N0} parameters), global batch {Batch}; coordinator + W worker processes " +
                       $"(1 thread each, micro-batch {MicroBatch}) against ddp_text_peer.py, WORLD = W, 1 thread per rank");
        if (peer == null) Report.Line("(no peer: ours only)");
        var runs = new Dictionary<(Side, int Workers), List<double>>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (int workers in Workers)
            {
                var sides = new List<Side> { Side.OursF32 };
                if (workers == 2) sides.Add(Side.OursBf16);
                if (peer != null) sides.Insert(round % 2 == 0 ? sides.Count : 0, Side.Ddp);
                foreach (var side in sides)
                {
                    double rate = side == Side.Ddp
                        ? await peer!.DdpTextAsync(data, workers, PeerSteps, SeqLen, hidden, Embed, Batch)
                        : (await Run(data, hidden, side == Side.OursBf16 ? "bf16" : "f32").ClusterAsync(workers)).MedianExamplesPerSecond;
                    runs.TryAdd((side, workers), []);
                    runs[(side, workers)].Add(rate);
                }
            }
        }

        Report.Line("W | ours f32 seq/s (runs)   | ours bf16 seq/s (runs)  | PyTorch DDP seq/s (runs) | ours f32 / DDP");
        foreach (int workers in Workers)
        {
            string bf16 = runs.TryGetValue((Side.OursBf16, workers), out var b) ? Report.Runs(b) : "-";
            string ddp = runs.TryGetValue((Side.Ddp, workers), out var d) ? Report.Runs(d) : "-";
            string ratio = d != null ? $"{Report.MedianRatio(runs[(Side.OursF32, workers)], d):F2}x" : "-";
            Report.Line($"{workers} | {Report.Runs(runs[(Side.OursF32, workers)]),-23} | {bf16,-23} | {ddp,-24} | {ratio}");
        }
        Report.Line($"(ours: the median of steps {WarmUpSteps + 1}-{Steps} of each run; DDP: its rate over {PeerSteps} steps after 2 warm-up steps; " +
                    $"{Rounds} rounds, ours and the peer alternating)");
        Report.Line($"2 / 1 workers: ours (f32) {Scaling(runs, Side.OursF32):F2}x" +
                    (peer != null ? $", PyTorch DDP {Scaling(runs, Side.Ddp):F2}x" : ""));
        if (peer != null)
            Report.Line($"ours bf16 (2 workers) / DDP (2 ranks): {Report.MedianRatio(runs[(Side.OursBf16, 2)], runs[(Side.Ddp, 2)]):F2}x");
    }

    private static TrainingRun Run(string data, int hidden, string wirePrecision) =>
        new(SeqLen, hidden, Batch, MicroBatch, Steps, WarmUpSteps)
        {
            Workload = ["--task", "text", "--data", data, "--embed", Embed.ToString(CultureInfo.InvariantCulture)],
            Extra = ["--wire-precision", wirePrecision],
        };

    private static double Scaling(Dictionary<(Side, int Workers), List<double>> runs, Side side) =>
        Report.Median(runs[(side, 2)]) / Report.Median(runs[(side, 1)]);
}
