using System.Text.Json;
using System.Text.RegularExpressions;

namespace AttnRnnCluster.Deploy.Tests.Grafana;

/// <summary>
/// deploy/grafana/attnrnn.json: a dashboard Grafana imports (panels with unique ids and places, queries on the chosen
/// Prometheus data source), which shows what operators look for, from metrics the nodes really export.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly JsonElement Dashboard = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("deploy", "grafana", "attnrnn.json"))).RootElement;

    [GeneratedRegex(@"attnrnn_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^\| `(?<name>attnrnn_\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocumentedRow();

    private static IEnumerable<JsonElement> Panels => Dashboard.GetProperty("panels").EnumerateArray();

    private static IEnumerable<string> Queries => Panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!);

    /// <summary>A histogram's or counter's series name without the suffix Prometheus adds: the name the node registers.</summary>
    private static string Family(string series) => Regex.Replace(series, "_(bucket|sum|count)$", "");

    [Fact]
    public void Panels_have_unique_ids_and_every_query_uses_the_chosen_data_source()
    {
        Assert.Equal("attnrnn-training", Dashboard.GetProperty("uid").GetString());
        var ids = Panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains(Dashboard.GetProperty("templating").GetProperty("list").EnumerateArray(), v => v.GetProperty("type").GetString() == "datasource");
        Assert.All(Panels.SelectMany(p => p.GetProperty("targets").EnumerateArray().Append(p)), element =>
            Assert.Equal("${datasource}", element.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [RepositoryFileFact("docs/operations.md")]
    public void Every_metric_it_queries_is_one_the_nodes_export()
    {
        var documented = DocumentedRow().Matches(File.ReadAllText(Repository.PathOf("docs", "operations.md"))).Select(m => m.Groups["name"].Value).ToHashSet();

        var queried = Queries.SelectMany(q => MetricName().Matches(q).Select(m => Family(m.Value))).ToHashSet();

        Assert.NotEmpty(queried);
        Assert.All(queried, name => Assert.Contains(name, documented));
    }

    [Theory]
    [InlineData("attnrnn_train_loss")]
    [InlineData("attnrnn_eval_loss")]
    [InlineData("attnrnn_examples_per_second")]
    [InlineData("attnrnn_step_part_seconds")]
    [InlineData("attnrnn_workers")]
    [InlineData("attnrnn_bad_results_total")]
    [InlineData("attnrnn_transport_sent_bytes_total")]
    [InlineData("attnrnn_transport_received_bytes_total")]
    [InlineData("attnrnn_worker_lateness_seconds")]
    public void It_shows_loss_throughput_step_parts_workers_bad_results_bytes_and_lateness(string metric)
    {
        Assert.Contains(Queries, query => MetricName().Matches(query).Any(m => Family(m.Value) == metric));
    }
}
