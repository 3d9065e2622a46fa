namespace AttnRnnCluster.Coordinator.Training;

/// <summary>One evaluation on the held-out set, after <paramref name="Step"/> steps.</summary>
public sealed record EvalReport(long Step, double Loss, long Items, double Ms);
