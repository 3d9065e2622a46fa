namespace AttnRnnCluster.Coordinator.Live;

/// <summary>One point of a curve on the live page: the step (steps done) and its value.</summary>
public readonly record struct CurvePoint(long Step, double Value);
