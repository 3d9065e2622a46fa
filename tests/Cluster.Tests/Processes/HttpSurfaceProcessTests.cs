using System.Net;
using System.Text.Json;
using Xunit.Abstractions;
using static AttnRnnCluster.Cluster.Tests.Processes.ProcessScratch;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The HTTP surface of a real coordinator and a real worker process during a run: the probes as a worker joins,
/// /metrics of both against the run (its metrics.jsonl, the worker's work, the bytes that crossed), and the join
/// token in no answer.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class HttpSurfaceProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly ProcessScratch _scratch = new(output, "attnrnn-http-");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<string> _answers = [];

    public void Dispose()
    {
        _http.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task Probes_and_metrics_of_both_nodes_follow_the_run_and_show_no_secret()
    {
        int port = NodeProcess.FreePort(), coordinatorHttp = NodeProcess.FreePort(), workerHttp = NodeProcess.FreePort();
        string coordinatorUrl = $"http://127.0.0.1:{coordinatorHttp}", workerUrl = $"http://127.0.0.1:{workerHttp}";
        // The worker first: alive, but not ready until a coordinator accepts it. Each shard takes 20 ms more, so the
        // run lasts while it is scraped; it is stopped by a signal at the end.
        var worker = _scratch.Start(NodeProcess.Worker(
            ["--seed-nodes", $"akka.ssl.tcp://attnrnn@127.0.0.1:{port}", "--name", "scraped-worker", "--coordinator-timeout", "120",
             "--inject-delay-ms", "20", "--http-port", Text(workerHttp), .. _scratch.JoinToken],
            _scratch.PathOf("worker.log")));
        await Until(() => Status(workerUrl + "/healthz") == HttpStatusCode.OK, "the worker's /healthz");
        var (joining, joiningText) = await GetAsync(workerUrl + "/readyz");

        var coordinator = _scratch.Start(NodeProcess.Coordinator(
            [.. SmallAdding(100_000), "--port", Text(port), "--local-workers", "0", "--min-workers", "1", "--out", _scratch.PathOf("run"),
             "--http-port", Text(coordinatorHttp), .. _scratch.JoinToken],
            _scratch.PathOf("coordinator.log")));
        await Until(() => Status(workerUrl + "/readyz") == HttpStatusCode.OK, "the worker's /readyz");
        var early = await ScrapeStableAsync(coordinatorUrl, minimumStep: 3);
        var later = await ScrapeStableAsync(coordinatorUrl, minimumStep: (long)early.Value("attnrnn_step")!.Value + 5);
        var workerMetrics = new Scraped((await GetAsync(workerUrl + "/metrics")).Text);
        var coordinatorProbes = (Health: await GetAsync(coordinatorUrl + "/healthz"), Ready: await GetAsync(coordinatorUrl + "/readyz"));
        var workerProbes = (Health: await GetAsync(workerUrl + "/healthz"), Ready: await GetAsync(workerUrl + "/readyz"));
        coordinator.Signal("TERM");
        Assert.Equal(143, await coordinator.ExitCodeAsync(RunLimit));
        worker.Signal("TERM");
        Assert.Equal(143, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, joining);
        Assert.Equal("not ok: joining the cluster; not registered with a coordinator yet\n", joiningText);
        Assert.Equal((HttpStatusCode.OK, "ok: the actor system runs\n"), coordinatorProbes.Health);
        Assert.Equal((HttpStatusCode.OK, "ok: the coordinator accepts workers and trains\n"), coordinatorProbes.Ready);
        Assert.Equal((HttpStatusCode.OK, "ok: the actor system runs\n"), workerProbes.Health);
        Assert.Equal((HttpStatusCode.OK, "ok: registered with the coordinator\n"), workerProbes.Ready);

        // The step counter grows, and the loss is metrics.jsonl's for that step.
        long step = (long)later.Value("attnrnn_step")!.Value;
        Assert.True(step > early.Value("attnrnn_step"));
        Assert.Equal(TrainLoss(step), later.Value("attnrnn_train_loss")!.Value, 1e-12);
        Assert.Equal(1, later.Value("attnrnn_workers{state=\"active\"}"));
        Assert.True(later.Value("attnrnn_worker_shards_done{worker=\"scraped-worker\"}") > 0);
        Assert.True(later.Value("attnrnn_step_seconds_count") >= step);
        Assert.True(later.Sum("attnrnn_transport_sent_bytes_total") > 0);
        Assert.True(later.Sum("attnrnn_transport_received_bytes_total") > 0);
        Assert.True(later.Value("attnrnn_membership_events_total{event=\"up\"}") >= 2);
        // The worker: its shards, their compute time (20 ms each at least), its coordinator, the bytes it moved.
        double shards = workerMetrics.Value("attnrnn_shards_computed_total{kind=\"train\"}")!.Value;
        Assert.True(shards > 0);
        Assert.True(workerMetrics.Value("attnrnn_shard_compute_seconds_sum{kind=\"train\"}") >= 0.02 * shards);
        Assert.Equal(1, workerMetrics.Value("attnrnn_coordinator_reachable"));
        Assert.True(workerMetrics.Sum("attnrnn_transport_sent_bytes_total") > 0);
        Assert.True(workerMetrics.Sum("attnrnn_transport_received_bytes_total") > 0);
        // No answer of either node shows the join token.
        string token = File.ReadAllText(_scratch.JoinToken[1]).Trim();
        Assert.NotEmpty(_answers);
        Assert.All(_answers, answer => Assert.DoesNotContain(token, answer));
    }

    /// <summary>A scrape at step <paramref name="minimumStep"/> or later, taken twice in a row the same: no step report landed between.</summary>
    private async Task<Scraped> ScrapeStableAsync(string url, long minimumStep)
    {
        Scraped? stable = null;
        await Until(() =>
        {
            if (Status(url + "/metrics") != HttpStatusCode.OK) return false;
            var first = new Scraped(GetAsync(url + "/metrics").Result.Text);
            var second = new Scraped(GetAsync(url + "/metrics").Result.Text);
            bool same = first.Value("attnrnn_step") is { } step && step >= minimumStep
                        && second.Value("attnrnn_step") == step && second.Value("attnrnn_train_loss") == first.Value("attnrnn_train_loss");
            if (same) stable = second;
            return same;
        }, $"two scrapes at step {minimumStep} or later that agree");
        return stable!;
    }

    private double TrainLoss(long step)
    {
        using var metrics = new FileStream(_scratch.PathOf("run", "metrics.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(metrics);
        while (reader.ReadLine() is { } line)
        {
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            if (root.GetProperty("kind").GetString() == "train" && root.GetProperty("step").GetInt64() == step)
                return root.GetProperty("loss").GetDouble();
        }
        throw new InvalidOperationException($"no train line for step {step} in metrics.jsonl");
    }

    private HttpStatusCode? Status(string url)
    {
        try
        {
            return GetAsync(url).Result.Status;
        }
        catch (AggregateException e) when (e.InnerException is HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private async Task<(HttpStatusCode Status, string Text)> GetAsync(string url)
    {
        using var answer = await _http.GetAsync(url);
        string text = await answer.Content.ReadAsStringAsync();
        lock (_answers) _answers.Add(answer.Headers + text);
        return (answer.StatusCode, text);
    }
}
