using AttnRnnCluster.Protocol.Messages;
using Serilog.Events;

namespace AttnRnnCluster.Coordinator.Training;

/// <summary>What a <see cref="TrainingLoop"/> asks to be done, in order: the coordinator actor does each as it comes.</summary>
public interface ITrainingAction;

/// <summary>A protocol message to one worker.</summary>
public sealed record Send(WorkerId To, IProtocolMessage Message) : ITrainingAction;

/// <summary>One message to several workers, in one <c>PayloadTransport.Tell</c> (the new weights after a step).</summary>
public sealed record Broadcast(IReadOnlyList<WorkerId> To, IProtocolMessage Message) : ITrainingAction;

/// <summary>
/// The chain data plane: the step from weights <paramref name="Version"/> is summed along <paramref name="Hops"/> (the
/// hops planned so far, in shard order; each worker adds its kept shards). The hops from <paramref name="FirstNew"/> on
/// are new: the coordinator actor sends each worker its new parts in a <see cref="StepPlan"/>. The last of them sends to
/// <paramref name="Next"/>'s relay while the round is still being computed (<paramref name="WeightsChain"/> null); once
/// it is complete, to the coordinator, whose actor then waits for the sum, and the new weights will go down
/// <paramref name="WeightsChain"/>: every worker of it and of the hops gets its completing plan, with all its parts.
/// </summary>
public sealed record PlanStep(long Version, int Attempt, IReadOnlyList<(WorkerId Worker, int[] Shards)> Hops, int FirstNew, WorkerId? Next,
    IReadOnlyList<WorkerId>? WeightsChain) : ITrainingAction;

/// <summary>
/// The chain data plane: the new weights in segments to the first worker of the plan's weights chain, which passes them
/// on; to the <paramref name="Direct"/> workers (not in the chain) whole, from the coordinator.
/// </summary>
public sealed record RelayWeights(WorkerId First, IReadOnlyList<WorkerId> Direct, WeightsUpdate Message) : ITrainingAction;

public sealed record ReportStep(TrainStepReport Report) : ITrainingAction;

public sealed record ReportEvaluation(EvalReport Report) : ITrainingAction;

/// <summary>Save the master weights and optimizer after <paramref name="Step"/> steps.</summary>
public sealed record WriteCheckpoint(long Step, bool IsBest) : ITrainingAction;

/// <summary>The run is over; the workers have been told.</summary>
public sealed record Finish(RunSummary Summary) : ITrainingAction;

/// <summary>A line for the run's log.</summary>
public sealed record Note(LogEventLevel Level, string Text) : ITrainingAction
{
    public static Note Debug(FormattableString text) => Of(LogEventLevel.Debug, text);
    public static Note Info(FormattableString text) => Of(LogEventLevel.Information, text);
    public static Note Warn(FormattableString text) => Of(LogEventLevel.Warning, text);
    public static Note Error(FormattableString text) => Of(LogEventLevel.Error, text);

    /// <summary>Numbers in the log are written the same way on every machine.</summary>
    private static Note Of(LogEventLevel level, FormattableString text) => new(level, text.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
