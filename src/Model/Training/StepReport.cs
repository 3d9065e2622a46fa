namespace AttnRnnCluster.Model.Training;

/// <summary>What one step did: its loss (sum and items), the gradient norm before clipping, and the rate used.</summary>
public sealed record StepReport(long Step, double LossSum, long Count, double GradientNorm, double LearningRate);
