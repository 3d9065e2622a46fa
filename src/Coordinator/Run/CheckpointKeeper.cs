using AttnRnnCluster.Model.Checkpoints;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// The run's checkpoints folder: step-NNNNNNN.safetensors for the last K checkpoints, best.safetensors for
/// the best held-out loss so far, and last.safetensors, always the newest. Each checkpoint's optimizer state
/// sits beside it (same name, .optimizer.safetensors). Files are written by <paramref name="save"/>, which
/// must write atomically; older ones are pruned only after the new one is complete.
/// </summary>
public sealed class CheckpointKeeper(string folder, int keep, Action<string> save)
{
    /// <summary>The checkpoints' folder inside a run folder.</summary>
    public const string FolderName = "checkpoints";
    public const string LastName = "last.safetensors";
    public const string BestName = "best.safetensors";

    public string Folder { get; } = folder;
    public string LastPath => Path.Combine(Folder, LastName);

    public string Save(long step, bool isBest)
    {
        Directory.CreateDirectory(Folder);
        string stepPath = Path.Combine(Folder, $"step-{step:D7}.safetensors");
        save(stepPath);
        CopyWithOptimizer(stepPath, LastPath);
        if (isBest) CopyWithOptimizer(stepPath, Path.Combine(Folder, BestName));
        Prune();
        return LastPath;
    }

    /// <summary>Copies a checkpoint and its optimizer state under a new name, each via a temporary file and a rename.</summary>
    private static void CopyWithOptimizer(string from, string to)
    {
        AtomicCopy(from, to);
        string optimizerFrom = CheckpointFiles.OptimizerPath(from);
        if (File.Exists(optimizerFrom)) AtomicCopy(optimizerFrom, CheckpointFiles.OptimizerPath(to));
    }

    private static void AtomicCopy(string from, string to) =>
        AtomicFile.Write(to, stream =>
        {
            using var source = File.OpenRead(from);
            source.CopyTo(stream);
        });

    private void Prune()
    {
        var steps = Directory.GetFiles(Folder, "step-*.safetensors")
            .Where(f => !f.EndsWith(".optimizer.safetensors", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (string old in steps.Take(Math.Max(0, steps.Count - Math.Max(1, keep))))
        {
            File.Delete(old);
            File.Delete(CheckpointFiles.OptimizerPath(old));
        }
    }
}
