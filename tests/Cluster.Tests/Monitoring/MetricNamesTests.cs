using System.Reflection;
using System.Text.RegularExpressions;
using AttnRnnCluster.Coordinator.Monitoring;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting.Monitoring;
using AttnRnnCluster.Worker.Hosting;
using Prometheus;

namespace AttnRnnCluster.Cluster.Tests.Monitoring;

/// <summary>docs/operations.md's table of metrics names exactly the metrics the nodes register.</summary>
public sealed partial class MetricNamesTests
{
    [GeneratedRegex(@"^# TYPE (?<name>attnrnn_\w+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^\| `(?<name>attnrnn_\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedRow();

    [Fact]
    public async Task Every_metric_of_the_coordinator_and_the_worker_is_documented_and_every_documented_one_exists()
    {
        var registry = Metrics.NewCustomRegistry();
        var run = new CoordinatorMetrics(registry);
        var node = new NodeMetrics(registry);
        _ = new WorkerMetrics(registry);
        run.Step(new TrainStepReport(1, 0.5, 10, null, 1, 1, 1, 0, 0, 0, 1, 0.01, 1, null)
        {
            WorkerTable = [new WorkerStatus("w", "in-process", WorkerState.Active, 1, 0, 1, 0)],
        });
        run.Evaluated(new EvalReport(1, 0.5, 4, 1));
        node.MembershipEvent("up");
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text);

        var registered = TypeLine().Matches(System.Text.Encoding.UTF8.GetString(text.ToArray())).Select(m => m.Groups["name"].Value).Order().ToList();
        string root = typeof(MetricNamesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var documented = DocumentedRow().Matches(File.ReadAllText(Path.Combine(root, "docs", "operations.md"))).Select(m => m.Groups["name"].Value).Order().ToList();

        Assert.Equal(documented, registered);
    }
}
