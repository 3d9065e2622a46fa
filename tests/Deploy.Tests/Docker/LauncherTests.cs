namespace AttnRnnCluster.Deploy.Tests.Docker;

/// <summary>
/// deploy/launcher/attnrnn, the image's entrypoint and the systemd units' ExecStart, run from a folder of its own with a
/// stand-in "dotnet" first on PATH that prints what it was started with: the launcher's choices, not the
/// executables, are under test here.
/// </summary>
public sealed class LauncherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("attnrnn-launcher-").FullName;
    private readonly string _app;
    private readonly string _bin;

    public LauncherTests()
    {
        _app = Directory.CreateDirectory(Path.Combine(_folder, "app")).FullName;
        _bin = Directory.CreateDirectory(Path.Combine(_folder, "bin")).FullName;
        File.Copy(Repository.PathOf("deploy", "launcher", "attnrnn"), Path.Combine(_app, "attnrnn"));
        string dotnet = Path.Combine(_bin, "dotnet");
        File.WriteAllText(dotnet, "#!/usr/bin/env bash\necho \"args: $*\"\nenv | grep '^ATTNRNN_' | sort\n");
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ProcessRun Launch(IReadOnlyList<string> arguments, Dictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>(environment ?? [])
        {
            ["PATH"] = $"{_bin}:{Environment.GetEnvironmentVariable("PATH")}",
        };
        foreach (string name in new[] { "ATTNRNN_ROLE", "ATTNRNN_HOSTNAME", "ATTNRNN_PUBLIC_HOSTNAME", "ATTNRNN_OUT", "ATTNRNN_RESUME" })
            variables.TryAdd(name, null);
        return ProcessRun.Start("bash", [Path.Combine(_app, "attnrnn"), .. arguments], TimeSpan.FromSeconds(30), variables, _folder);
    }

    [Theory]
    [InlineData(new[] { "worker", "--threads", "2" }, null, "AttnRnnCluster.Worker.dll --threads 2")]
    [InlineData(new[] { "coordinator" }, "worker", "AttnRnnCluster.Coordinator.dll")]
    [InlineData(new string[0], "worker", "AttnRnnCluster.Worker.dll")]
    [InlineData(new[] { "--steps", "5" }, null, "AttnRnnCluster.Coordinator.dll --steps 5")]
    public void The_first_argument_else_ATTNRNN_ROLE_else_coordinator_picks_the_executable(string[] arguments, string? role, string started)
    {
        var run = Launch(arguments, new() { ["ATTNRNN_ROLE"] = role });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"args: {_app}/{started}", run.Output.Split('\n')[0]);
        Assert.DoesNotContain("ATTNRNN_ROLE", run.Output); // the executables would refuse a name they don't know
    }

    [Fact]
    public void An_unknown_role_is_a_usage_error()
    {
        var run = Launch([], new() { ["ATTNRNN_ROLE"] = "boss" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("ATTNRNN_ROLE: expected coordinator or worker, got \"boss\"", run.Error);
    }

    [Fact]
    public void Listening_everywhere_with_no_public_name_and_only_a_loopback_address_to_advertise_is_refused()
    {
        var run = Launch(["worker"], new() { ["ATTNRNN_HOSTNAME"] = "0.0.0.0", ["HOSTNAME"] = "localhost" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("resolves to 127.0.0.1, which other machines cannot reach: set ATTNRNN_PUBLIC_HOSTNAME", run.Error);
        Assert.DoesNotContain("args:", run.Output);
    }

    [Fact]
    public void A_given_public_name_is_left_alone()
    {
        var run = Launch(["worker"], new() { ["ATTNRNN_HOSTNAME"] = "0.0.0.0", ["ATTNRNN_PUBLIC_HOSTNAME"] = "node7", ["HOSTNAME"] = "localhost" });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ATTNRNN_PUBLIC_HOSTNAME=node7\n", run.Output);
    }

    [Fact]
    public void A_coordinator_whose_fixed_run_folder_holds_a_checkpoint_resumes_it_and_only_then()
    {
        string run = Path.Combine(_folder, "runs", "main");
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));

        var empty = Launch(["coordinator"], new() { ["ATTNRNN_OUT"] = run });
        File.WriteAllText(Path.Combine(run, "checkpoints", "last.safetensors"), "");
        var resumed = Launch(["coordinator"], new() { ["ATTNRNN_OUT"] = run });
        var worker = Launch(["worker"], new() { ["ATTNRNN_OUT"] = run });
        var explicitResume = Launch(["coordinator"], new() { ["ATTNRNN_OUT"] = run, ["ATTNRNN_RESUME"] = "other.safetensors" });

        Assert.DoesNotContain("ATTNRNN_RESUME", empty.Output);
        Assert.Contains($"ATTNRNN_RESUME={run}\n", resumed.Output);
        Assert.Contains("resuming from its newest", resumed.Error);
        Assert.DoesNotContain("ATTNRNN_RESUME", worker.Output);
        Assert.Contains("ATTNRNN_RESUME=other.safetensors\n", explicitResume.Output);
    }
}
