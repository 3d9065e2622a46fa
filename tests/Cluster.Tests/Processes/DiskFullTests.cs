using System.Security.Cryptography;
using AttnRnnCluster.Model.Checkpoints;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// The disk under the run folder fills up while a checkpoint is written: a real coordinator process on a real, small
/// tmpfs. The run ends at once with exit 1, the error says what failed and names the intact checkpoint to resume from.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private readonly ProcessScratch _scratch = new(output, "attnrnn-disk-");

    public void Dispose() => _scratch.Dispose();

    /// <summary>H=64, so that a checkpoint (about 70 KiB, twice that with its optimizer state) outgrows what is left of the disk.</summary>
    private static string[] Run(string runFolder, int steps) =>
    [
        .. ProcessScratch.SmallAdding(steps), "--hidden", "64", "--local-workers", "2", "--out", runFolder,
    ];

    [TmpfsFact]
    public async Task A_full_disk_while_a_checkpoint_is_written_ends_the_run_with_exit_1_naming_the_intact_checkpoint()
    {
        using var disk = new SmallDisk(_scratch.PathOf("disk"), kibibytes: 4096);
        string run = Path.Combine(disk.Folder, "run");
        var first = _scratch.Start(NodeProcess.Coordinator(Run(run, steps: 5), _scratch.PathOf("first.log")));
        Assert.Equal(0, await first.ExitCodeAsync(ProcessScratch.RunLimit));
        string last = Path.Combine(run, "checkpoints", "last.safetensors");
        byte[] before = SHA256.HashData(File.ReadAllBytes(last));
        long checkpointBytes = new FileInfo(Path.Combine(run, "checkpoints", "step-0000005.safetensors")).Length;

        // Room left for the log and metrics lines of a few steps, not for the next checkpoint (the best, after the eval of step 6).
        disk.FillLeaving((int)(checkpointBytes / 1024 / 2));
        Assert.True(disk.FreeBytes < checkpointBytes, $"{disk.FreeBytes} bytes free, a checkpoint takes {checkpointBytes}");
        var resumed = _scratch.Start(NodeProcess.Coordinator([.. Run(run, steps: 40), "--resume", run], _scratch.PathOf("resumed.log")));

        Assert.Equal(1, await resumed.ExitCodeAsync(ProcessScratch.RunLimit));
        string log = resumed.Output();
        Assert.Contains("run failed while handling", log);
        Assert.Contains("could not write the checkpoint of step 6", log);
        Assert.Contains($"The checkpoint it started from is intact: {last}; --resume {run} continues from it", log);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(last)));
        Assert.Equal(5, CheckpointFiles.Load(last).Step);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(run, "checkpoints")), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }
}
