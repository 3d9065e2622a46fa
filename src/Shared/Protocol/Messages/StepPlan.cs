using Akka.Actor;

namespace AttnRnnCluster.Protocol.Messages;

/// <summary>
/// Coordinator → every worker, when the shards of the step from weights <paramref name="Version"/> are all in
/// (<see cref="DataPlane.Chain"/>): this worker's part in moving the step. <b>The sum</b> runs through hops 0, 1, ...
/// in shard order; each of this worker's <paramref name="Parts"/> is one hop: it adds its kept gradients of the part's
/// shards (ascending, consecutive in the step's shard order) to the running sum the worker of the hop before sends it in
/// <see cref="SumSegment"/>s (hop 0 has none: its first shard starts the sum), and sends each finished segment on to the
/// next hop's relay (the last hop: to the coordinator). <b>The weights</b> of version + 1: <see cref="WeightsSegment"/>s
/// come from <paramref name="WeightsFrom"/> (the coordinator or the worker before it in the weights' chain) and go on to
/// <paramref name="WeightsTo"/> (none: the last). A new <paramref name="Attempt"/> for the same version replaces the plan
/// (a relay was lost). Each part done is reported to the coordinator with <see cref="RelayDone"/>.
/// <para>
/// A worker's plan of one attempt may come in several messages, because the sum starts before the round is complete:
/// the coordinator sends each hop as soon as the shards before and in it are all in and the worker after it is known.
/// The messages of one attempt add up (their parts together are the plan); the one marked <paramref name="Complete"/>
/// comes once the round is complete, carries all the worker's parts again (a part the relay has already is kept as it
/// is, so a message overtaken or lost does not matter), and alone gives its place in the weights' chain (<paramref name="WeightsFrom"/> and <paramref name="WeightsTo"/> are null in the others).
/// </para>
/// </summary>
public sealed record StepPlan(
    long Version,
    int Attempt,
    int ParameterCount,
    int SegmentLength,
    RelayPart[] Parts,
    IActorRef? WeightsFrom,
    IActorRef? WeightsTo,
    bool Complete = true) : IProtocolMessage
{
    /// <summary>Segments of at most this many values: a segment's encoding stays below the bulk threshold (1 MiB), so it goes whole on a message lane.</summary>
    public const int MaxSegmentLength = 240 * 1024;

    /// <summary>The default: 512 KiB of f32, a few milliseconds on a 1 Gbit/s link per hop of the pipeline.</summary>
    public const int DefaultSegmentLength = 128 * 1024;

    /// <summary>At most this many parts (hops) for one worker in one plan: one per shard of a step at most.</summary>
    public const int MaxParts = 4096;

    public int SegmentCount => (ParameterCount + SegmentLength - 1) / SegmentLength;
}

/// <summary>
/// One hop of the running sum: add the kept gradients of <paramref name="Shards"/> to what <paramref name="SumFrom"/> sends
/// (null: hop 0, the first shard starts the sum) and send the result to <paramref name="SumTo"/>, as hop
/// <paramref name="Hop"/> + 1's input (the coordinator's, after the last hop).
/// </summary>
public sealed record RelayPart(int Hop, int[] Shards, IActorRef? SumFrom, IActorRef SumTo);
