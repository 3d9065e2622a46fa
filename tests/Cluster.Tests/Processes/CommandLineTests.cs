using System.Globalization;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>The executables' contract with scripts: exit codes and messages for bad options and a missing coordinator.</summary>
[Collection(ProcessCollection.Name)]
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("attnrnn-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_invalid_option_value_names_the_option_and_the_range_and_exits_2()
    {
        using var coordinator = NodeProcess.Coordinator(["--micro-batch", "0", "--out", Path.Combine(_dir, "run")], Path.Combine(_dir, "c.log"));

        Assert.Equal(2, await coordinator.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("--micro-batch: expected an integer in 1..", coordinator.Output());
        Assert.False(Directory.Exists(Path.Combine(_dir, "run")));
    }

    [Fact]
    public async Task A_bad_data_file_exits_2_and_leaves_no_run_folder_nor_log()
    {
        // Too short for windows of the default 100 characters: found when the run is set up, after the options.
        string data = Path.Combine(_dir, "tiny.txt");
        File.WriteAllText(data, "to be or not to be");
        string workingDirectory = Directory.CreateDirectory(Path.Combine(_dir, "cwd")).FullName;
        using var given = NodeProcess.Coordinator(["--task", "text", "--data", data, "--out", Path.Combine(_dir, "run")], Path.Combine(_dir, "given.log"));
        using var defaulted = NodeProcess.Coordinator(["--task", "text", "--data", data], Path.Combine(_dir, "defaulted.log"), workingDirectory);

        Assert.Equal(2, await given.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(2, await defaulted.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("tiny.txt", given.Output());
        Assert.False(Directory.Exists(Path.Combine(_dir, "run")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory)); // no runs/<time>/train.log
    }

    [Fact]
    public async Task A_run_that_starts_logs_into_its_run_folder()
    {
        using var coordinator = NodeProcess.Coordinator(
            ["--seq-len", "12", "--hidden", "8", "--batch", "8", "--micro-batch", "4", "--steps", "2", "--target-loss", "0",
             "--held-out", "16", "--out", Path.Combine(_dir, "run")],
            Path.Combine(_dir, "c.log"));

        Assert.Equal(0, await coordinator.ExitCodeAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("Run folder", File.ReadAllText(Path.Combine(_dir, "run", "train.log")));
    }

    [Fact]
    public async Task A_worker_given_an_invalid_option_exits_2_naming_it()
    {
        using var worker = NodeProcess.Worker(["--seed-nodes", "akka.tcp://attnrnn@127.0.0.1:4053", "--threads", "0"], Path.Combine(_dir, "w.log"));

        Assert.Equal(2, await worker.ExitCodeAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("error: --threads: expected an integer in 1..256, got \"0\"", worker.Output());
    }

    [Fact]
    public async Task A_worker_with_no_coordinator_says_so_and_exits_1_after_its_timeout()
    {
        int port = NodeProcess.FreePort();
        using var worker = NodeProcess.Worker(["--seed-nodes", $"akka.tcp://attnrnn@127.0.0.1:{port}", "--name", "alone", "--coordinator-timeout", "3", "--insecure"],
            Path.Combine(_dir, "w.log"));

        Assert.Equal(1, await worker.ExitCodeAsync(TimeSpan.FromMinutes(2)));
        string log = worker.Output();
        Assert.Contains($"could not join the cluster at akka.tcp://attnrnn@127.0.0.1:{port} within 3s", log);
    }

    [Fact]
    public async Task Eval_prints_the_loss_alone_on_standard_output_and_its_log_on_standard_error()
    {
        string run = Path.Combine(_dir, "run");
        var train = await CommandRun.CoordinatorAsync(["--steps", "2", "--out", run], TimeSpan.FromMinutes(3));
        Assert.True(train.ExitCode == 0, train.ToString());

        var eval = await CommandRun.CoordinatorAsync(["eval", "--checkpoint", Path.Combine(run, "checkpoints", "last.safetensors")], TimeSpan.FromMinutes(2));

        Assert.True(eval.ExitCode == 0, eval.ToString());
        string line = Assert.Single(eval.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out double loss) && loss > 0, eval.ToString());
        Assert.Contains("eval ", eval.StandardError);
    }
}
