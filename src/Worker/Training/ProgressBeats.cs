using Akka.Actor;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Worker.Training;

/// <summary>
/// While a worker computes a shard its actor's thread is busy, so a timer thread sends <see cref="ShardProgress"/> to
/// the coordinator every interval, until disposed. The first beat comes one interval after the start: a shard that
/// takes less costs no message at all.
/// </summary>
public sealed class ProgressBeats : IDisposable
{
    private readonly Timer _timer;

    public ProgressBeats(PayloadTransport transport, IActorRef coordinator, IActorRef worker, ShardProgress beat, TimeSpan interval) =>
        _timer = new Timer(_ => transport.Tell(coordinator, beat, worker), null, interval, interval);

    public void Dispose() => _timer.Dispose();
}
