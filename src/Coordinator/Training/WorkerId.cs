namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// A worker as the training loop knows it: a number the coordinator actor gives each worker actor it hears from
/// (the loop never sees actors), unique for the life of the coordinator.
/// </summary>
public readonly record struct WorkerId(long Value)
{
    public override string ToString() => $"worker #{Value}";
}
