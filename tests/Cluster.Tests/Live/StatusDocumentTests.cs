using System.Text.Json;
using AttnRnnCluster.Coordinator.Live;
using AttnRnnCluster.Coordinator.Training;

namespace AttnRnnCluster.Cluster.Tests.Live;

/// <summary>The JSON the page polls (/api/status): the fields the page reads, by the names it reads them.</summary>
public sealed class StatusDocumentTests
{
    private static readonly RunIdentity Identity = new("20261207-071500", "text: H=256, attention on, batch 64", 1_234_567, 2000);

    [Fact]
    public void The_json_has_the_run_its_latest_step_the_curves_and_the_worker_table_under_the_pages_names()
    {
        var board = new RunBoard(Identity);
        board.Step(Reports.Step(1, [new("worker-<1>", "akka.tcp://attnrnn@h:1", WorkerState.Silent, 7, 1, 2.5, 0.5)], tokensPerSecond: 64_000));
        board.Evaluated(new EvalReport(1, 0.75, 40, 3));

        using var json = JsonDocument.Parse(new StatusDocument(board).Json());
        var root = json.RootElement;

        Assert.Equal("20261207-071500", root.GetProperty("runId").GetString());
        Assert.Equal("text: H=256, attention on, batch 64", root.GetProperty("description").GetString());
        Assert.Equal(1_234_567, root.GetProperty("parameters").GetInt64());
        Assert.Equal(2000, root.GetProperty("maxSteps").GetInt64());
        Assert.Equal("Training", root.GetProperty("state").GetString());
        var latest = root.GetProperty("latest");
        Assert.Equal(1, latest.GetProperty("step").GetInt64());
        Assert.Equal(1.0, latest.GetProperty("loss").GetDouble());
        Assert.Equal(1001, latest.GetProperty("examplesPerSecond").GetDouble());
        Assert.Equal(64_000, latest.GetProperty("tokensPerSecond").GetDouble());
        Assert.Equal(2e-3, latest.GetProperty("learningRate").GetDouble());
        Assert.Equal(90, latest.GetProperty("etaSeconds").GetDouble());
        foreach (string part in new[] { "stepMs", "computeSlowestMs", "computeMedianMs", "waitingMs", "reduceAndOptimizerMs", "broadcastMs" })
            Assert.True(latest.GetProperty(part).GetDouble() > 0, part);
        Assert.Equal([1L], root.GetProperty("trainLoss").GetProperty("steps").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([1.0], root.GetProperty("trainLoss").GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.75], root.GetProperty("evalLoss").GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([1001.0], root.GetProperty("examplesPerSecond").GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(0.75, root.GetProperty("lastEval").GetProperty("value").GetDouble());
        var worker = Assert.Single(root.GetProperty("workers").EnumerateArray());
        Assert.Equal("worker-<1>", worker.GetProperty("name").GetString());
        Assert.Equal("akka.tcp://attnrnn@h:1", worker.GetProperty("location").GetString());
        Assert.Equal("Silent", worker.GetProperty("state").GetString());
        Assert.Equal(7, worker.GetProperty("shardsDone").GetInt64());
        Assert.Equal(1, worker.GetProperty("badResults").GetInt32());
        Assert.Equal(2.5, worker.GetProperty("lastShardMs").GetDouble());
        Assert.Equal(0.5, worker.GetProperty("latenessMs").GetDouble());
        Assert.Equal(0, root.GetProperty("workersExcluded").GetInt32());
    }

    [Fact]
    public void A_loss_that_is_not_a_number_is_written_as_a_name_not_an_error()
    {
        var board = new RunBoard(Identity);
        board.Step(Reports.Step(1) with { Loss = double.NaN, GradientNorm = double.PositiveInfinity });

        using var json = JsonDocument.Parse(new StatusDocument(board).Json());

        Assert.Equal("NaN", json.RootElement.GetProperty("latest").GetProperty("loss").GetString());
        Assert.Equal("Infinity", json.RootElement.GetProperty("latest").GetProperty("gradientNorm").GetString());
    }

    [Fact]
    public void The_document_is_serialized_again_only_when_the_board_has_changed()
    {
        var board = new RunBoard(Identity);
        var document = new StatusDocument(board);
        board.Step(Reports.Step(1));

        byte[] first = document.Json();
        byte[] again = document.Json();
        board.Step(Reports.Step(2));
        byte[] changed = document.Json();

        Assert.Same(first, again);
        Assert.NotSame(first, changed);
        Assert.Contains("\"steps\":[1,2]", System.Text.Encoding.UTF8.GetString(changed));
    }

    [Fact]
    public void The_json_has_these_fields_and_no_other_so_nothing_secret_slips_in()
    {
        var board = new RunBoard(Identity);
        board.Step(Reports.Step(1, [new("w", "here", WorkerState.Active, 1, 0, 1, 0)]));
        board.Evaluated(new EvalReport(1, 0.75, 40, 3));

        using var json = JsonDocument.Parse(new StatusDocument(board).Json());

        // No join token, TLS file, run folder path or command line: a field added here is a decision about who may read it.
        Assert.Equal(
            ["description", "elapsedSeconds", "evalLoss", "examplesPerSecond", "lastCheckpointStep", "lastEval", "latest", "maxSteps", "parameters",
             "reason", "runId", "state", "tokensPerSecond", "trainLoss", "version", "workers", "workersExcluded"],
            json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["badResults", "lastShardMs", "latenessMs", "location", "name", "shardsDone", "state"],
            json.RootElement.GetProperty("workers")[0].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}
