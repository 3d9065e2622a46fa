using AttnRnnCluster.Cluster.Tests.Processes;
using AttnRnnCluster.Coordinator.Monitoring;
using AttnRnnCluster.Coordinator.Training;
using Prometheus;

namespace AttnRnnCluster.Cluster.Tests.Monitoring;

/// <summary>The run's /metrics from step reports: each value where Prometheus finds it, and the per-worker label set bounded.</summary>
public sealed class CoordinatorMetricsTests
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly CoordinatorMetrics _metrics;

    public CoordinatorMetricsTests() => _metrics = new CoordinatorMetrics(_registry);

    private static TrainStepReport Report(long step, params WorkerStatus[] workers) =>
        new(step, Loss: 0.25, ExamplesPerSecond: 1200, TokensPerSecond: 153600, StepMs: 40, ComputeSlowestMs: 30, ComputeMedianMs: 20,
            WaitingMs: 5, ReduceAndOptimizerMs: 2, BroadcastMs: 1, Workers: workers.Length, LearningRate: 0.002, GradientNorm: 0.75, Eta: null)
        {
            WorkerTable = workers,
            WorkersExcluded = 1,
            BadResults = new Dictionary<BadResultKind, long> { [BadResultKind.Invalid] = 2, [BadResultKind.Failed] = 1 },
        };

    private static WorkerStatus Worker(string name, WorkerState state = WorkerState.Active, long shards = 10, double latenessMs = 0) =>
        new(name, "in-process", state, shards, BadResults: 1, LastShardMs: 20, latenessMs);

    private async Task<Scraped> ScrapeAsync()
    {
        using var text = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(text);
        return new Scraped(System.Text.Encoding.UTF8.GetString(text.ToArray()));
    }

    [Fact]
    public async Task Nothing_is_reported_before_the_first_step()
    {
        var scraped = await ScrapeAsync();

        Assert.Null(scraped.Value("attnrnn_step"));
        Assert.Null(scraped.Value("attnrnn_train_loss"));
        Assert.Null(scraped.Value("attnrnn_eval_loss"));
        Assert.Equal(0, scraped.Value("attnrnn_bad_results_total{kind=\"invalid\"}"));
    }

    [Fact]
    public async Task A_step_report_and_an_evaluation_give_every_value_in_seconds_and_by_label()
    {
        _metrics.Step(Report(7, Worker("w1", latenessMs: 250), Worker("w2", WorkerState.Silent, shards: 4)));
        _metrics.Evaluated(new EvalReport(7, 0.125, 40, 3));

        var scraped = await ScrapeAsync();

        Assert.Equal(7, scraped.Value("attnrnn_step"));
        Assert.Equal(0.25, scraped.Value("attnrnn_train_loss"));
        Assert.Equal(0.125, scraped.Value("attnrnn_eval_loss"));
        Assert.Equal(1200, scraped.Value("attnrnn_examples_per_second"));
        Assert.Equal(153600, scraped.Value("attnrnn_tokens_per_second"));
        Assert.Equal(0.002, scraped.Value("attnrnn_learning_rate"));
        Assert.Equal(0.75, scraped.Value("attnrnn_gradient_norm"));
        Assert.Equal(0.04, scraped.Value("attnrnn_step_seconds_sum"));
        Assert.Equal(1, scraped.Value("attnrnn_step_seconds_count"));
        Assert.Equal(0.03, scraped.Value("attnrnn_step_part_seconds_sum{part=\"compute_slowest\"}"));
        Assert.Equal(0.005, scraped.Value("attnrnn_step_part_seconds_sum{part=\"waiting\"}"));
        Assert.Equal(0.002, scraped.Value("attnrnn_step_part_seconds_sum{part=\"reduce_optimizer\"}"));
        Assert.Equal(0.001, scraped.Value("attnrnn_step_part_seconds_sum{part=\"broadcast\"}"));
        Assert.Equal(1, scraped.Value("attnrnn_step_part_seconds_bucket{part=\"broadcast\",le=\"0.001\"}"));
        Assert.Equal((1, 1, 1), (scraped.Value("attnrnn_workers{state=\"active\"}"), scraped.Value("attnrnn_workers{state=\"silent\"}"), scraped.Value("attnrnn_workers{state=\"excluded\"}")));
        Assert.Equal(2, scraped.Value("attnrnn_bad_results_total{kind=\"invalid\"}"));
        Assert.Equal(1, scraped.Value("attnrnn_bad_results_total{kind=\"failed\"}"));
        Assert.Equal(0, scraped.Value("attnrnn_bad_results_total{kind=\"verification\"}"));
        Assert.Equal(10, scraped.Value("attnrnn_worker_shards_done{worker=\"w1\"}"));
        Assert.Equal(4, scraped.Value("attnrnn_worker_shards_done{worker=\"w2\"}"));
        Assert.Equal(0.25, scraped.Value("attnrnn_worker_lateness_seconds{worker=\"w1\"}"));
        Assert.Equal((1, 0), (scraped.Value("attnrnn_worker_active{worker=\"w1\"}"), scraped.Value("attnrnn_worker_active{worker=\"w2\"}")));
        Assert.Equal(1, scraped.Value("attnrnn_worker_bad_results{worker=\"w2\"}"));
    }

    [Fact]
    public async Task At_most_64_workers_are_labelled_names_are_cut_and_a_worker_gone_loses_its_series()
    {
        var many = Enumerable.Range(0, 70).Select(i => Worker($"w{i}")).ToArray();
        _metrics.Step(Report(1, many));
        var crowded = await ScrapeAsync();
        _metrics.Step(Report(2, Worker("w0"), Worker(new string('x', 200))));
        var after = await ScrapeAsync();

        Assert.Equal(CoordinatorMetrics.MaxWorkerLabels, crowded.Text.Split('\n').Count(l => l.StartsWith("attnrnn_worker_shards_done{", StringComparison.Ordinal)));
        Assert.Null(crowded.Value("attnrnn_worker_shards_done{worker=\"w69\"}"));
        Assert.Equal(["attnrnn_worker_shards_done{worker=\"w0\"} 10", $"attnrnn_worker_shards_done{{worker=\"{new string('x', CoordinatorMetrics.MaxNameLength)}\"}} 10"],
            after.Text.Split('\n').Where(l => l.StartsWith("attnrnn_worker_shards_done{", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }
}
