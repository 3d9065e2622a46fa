using System.Text.Json;
using AttnRnnCluster.Model.Checkpoints;

namespace AttnRnnCluster.Coordinator.Run;

/// <summary>
/// finished.json in a run folder: written when the run reaches its target or its step cap, so that a supervisor that
/// restarts a finished coordinator with --resume (the launcher, Kubernetes, systemd) does not train it on. A stopped or
/// failed run has none; neither has a run that is only at the step cap of an earlier --steps (the step is compared).
/// </summary>
public sealed record RunCompletion(long Step, bool ReachedTarget, double? EvalLoss, string Reason)
{
    public const string FileName = "finished.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public void Write(string runFolder) =>
        AtomicFile.Write(Path.Combine(runFolder, FileName), stream => JsonSerializer.Serialize(stream, this, Json));

    /// <summary>The record in <paramref name="runFolder"/>, or null when there is none or it cannot be read (then the run trains).</summary>
    public static RunCompletion? Read(string runFolder)
    {
        string path = Path.Combine(runFolder, FileName);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<RunCompletion>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The run folder --resume names: the folder itself, or the one whose checkpoints/ holds the file.</summary>
    public static string RunFolderOf(string resume)
    {
        if (Directory.Exists(resume)) return resume;
        string folder = Path.GetDirectoryName(Path.GetFullPath(resume))!;
        return Path.GetFileName(folder) == CheckpointKeeper.FolderName ? Path.GetDirectoryName(folder)! : folder;
    }

    /// <summary>
    /// Why a run resumed at <paramref name="step"/> has nothing left to do with these settings, or null: the step cap is
    /// reached, or the run recorded that it reached its target there and the target is no lower now.
    /// </summary>
    public static string? NothingToDo(string runFolder, long step, long maxSteps, double? targetLoss)
    {
        if (step >= maxSteps) return $"its checkpoint is at step {step} and the step cap is {maxSteps} (--steps)";
        return Read(runFolder) is { ReachedTarget: true, EvalLoss: { } loss } done && done.Step == step && targetLoss is { } target && loss < target
            ? $"it reached its target at step {step} (held-out loss {loss:0.#####} below {target}, --target-loss)"
            : null;
    }
}
