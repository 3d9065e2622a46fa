using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Issue 16 item 1: what the secure default costs. The cluster of the cluster figure (coordinator + 2 worker processes
/// on loopback, micro-batch 128) with plain connections (`--insecure`) and with the join token (mutual TLS on
/// Akka.Remote, the bulk channel and the lanes), runs alternating; the median step throughput after warm-up, and the
/// token against plain as the median of the rounds' ratios.
/// </summary>
public static class SecurityFigure
{
    private const int SeqLen = 100, Hidden = 64, Batch = 256, MicroBatch = 128, Steps = 300, WarmUpSteps = 150, Rounds = 3, Workers = 2;

    public static async Task RunAsync()
    {
        Report.Heading($"security: coordinator + {Workers} worker processes on loopback, adding T={SeqLen} H={Hidden} global batch {Batch} micro-batch {MicroBatch}");
        string tokenFile = Path.Combine(Repository.Scratch, $"join-token-{Environment.ProcessId}");
        Directory.CreateDirectory(Repository.Scratch);
        JoinToken.Generate().WriteFile(tokenFile);
        try
        {
            var settings = new Dictionary<string, string[]>
            {
                ["--insecure"] = ["--insecure"],
                ["join token"] = ["--join-token-file", tokenFile],
            };
            var runs = settings.Keys.ToDictionary(k => k, _ => new List<double>());
            for (int round = 0; round < Rounds; round++)
            {
                foreach (var (name, options) in settings)
                {
                    var run = new TrainingRun(SeqLen, Hidden, Batch, MicroBatch, Steps, WarmUpSteps) { Security = options };
                    runs[name].Add((await run.ClusterAsync(Workers)).MedianExamplesPerSecond);
                }
            }
            foreach (var (name, rates) in runs)
                Report.Line($"{name,-10}: {Report.Runs(rates)} seq/s");
            Report.Line($"join token / --insecure, median of the rounds' ratios: {Report.MedianRatio(runs["join token"], runs["--insecure"]):0.00}");
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }
}
