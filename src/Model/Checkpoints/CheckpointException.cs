namespace AttnRnnCluster.Model.Checkpoints;

/// <summary>A checkpoint or weights file that cannot be used, with the file and exactly what is wrong.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
}
