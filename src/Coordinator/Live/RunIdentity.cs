namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// What the live page says a run is: its id (the run folder's name, never its path), a one-line description (task,
/// model size, batch), the model's parameter count and the step cap.
/// </summary>
public sealed record RunIdentity(string RunId, string Description, long Parameters, long MaxSteps);
