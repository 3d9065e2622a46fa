namespace AttnRnnCluster.Protocol.Messages;

/// <summary>Which part of a <see cref="StepPlan"/> a <see cref="RelayDone"/> reports.</summary>
public enum RelayStage
{
    /// <summary>The worker sent its last segment of the running sum on.</summary>
    Sum,
    /// <summary>The worker has every segment of the new weights (and sent them on).</summary>
    Weights,
}

/// <summary>
/// Worker → coordinator: its part of the plan for the step from weights <paramref name="Version"/> (attempt
/// <paramref name="Attempt"/>) is done: hop <paramref name="Hop"/> of the sum, or (-1) the weights. The coordinator times each relay by these (a slow one is named) and finds a
/// stalled one by their absence.
/// </summary>
public sealed record RelayDone(long Version, int Attempt, RelayStage Stage, int Hop) : IProtocolMessage;
