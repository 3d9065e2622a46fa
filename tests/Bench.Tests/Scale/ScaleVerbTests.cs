using System.Diagnostics;
using System.Reflection;

namespace AttnRnnCluster.Bench.Tests.Scale;

/// <summary>The benchmark program's `scale` verb as a user runs it: hostile options end it at once with exit code 2.</summary>
public sealed class ScaleVerbTests
{
    [Theory]
    [InlineData("--workers", "17", "scale: --workers: expected an integer in 1..16, got \"17\"")]
    [InlineData("--params", "1G", "scale: --params: expected <n>M parameters with n in 1..20 (e.g. 1M, 10M), got \"1G\"")]
    [InlineData("--link", "fast", "scale: --link: expected <n>mbit or <n>gbit (e.g. 1gbit, 10gbit), got \"fast\"")]
    public async Task A_bad_value_exits_2_with_the_message_and_the_usage(string option, string value, string message)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { Path.Combine(AppFolder, "AttnRnnCluster.Benchmarks.dll"), "scale", option, value })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var output = process.StandardOutput.ReadToEndAsync(bound.Token);
        string error = await process.StandardError.ReadToEndAsync(bound.Token);
        await process.WaitForExitAsync(bound.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(message, error);
        Assert.Contains("usage: dotnet run -c Release --project bench/Benchmarks -- scale [--workers 1..16]", error);
        Assert.Equal("", await output);
    }

    /// <summary>The synthetic engine is the benchmark's: neither executable that trains references its assembly.</summary>
    [Theory]
    [InlineData("AttnRnnCluster.Worker")]
    [InlineData("AttnRnnCluster.Coordinator")]
    public void Neither_training_executable_references_the_synthetic_worker(string executable)
    {
        var referenced = Assembly.Load(executable).GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain("AttnRnnCluster.SyntheticWorker", referenced);
    }

    private static string AppFolder
    {
        get
        {
            var metadata = typeof(ScaleVerbTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
            return Path.Combine(metadata["RepoRoot"]!, "artifacts", "app", metadata["Configuration"]!);
        }
    }
}
