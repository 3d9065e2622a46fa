using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Shared.Serialization;

namespace AttnRnnCluster.Shared.Transfer;

/// <summary>
/// The node's <c>payload-receiver</c>: acknowledges chunks, and when a transfer is complete and verified,
/// deserializes the message and delivers it to its local recipient as if sent by the original sender.
/// Corrupt, undeliverable and stalled transfers are dropped with an error naming the sending actor.
/// </summary>
public sealed class PayloadReceiverActor : ReceiveActor, IWithTimers
{
    private readonly IncomingTransfers _transfers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private readonly TimeSpan _expiryInterval;

    public PayloadReceiverActor(TransferSettings settings)
    {
        _transfers = new IncomingTransfers(settings.MaxPayloadBytes, settings.Timeout);
        _expiryInterval = settings.Timeout / 4;
        Receive<PayloadChunk>(OnChunk);
        Receive<ExpireStalled>(_ => ExpireStalledTransfers());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TransferSettings settings) => Akka.Actor.Props.Create(() => new PayloadReceiverActor(settings));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(ExpireStalled), ExpireStalled.Instance, _expiryInterval);

    private void OnChunk(PayloadChunk chunk)
    {
        var header = chunk.Header;
        var receipt = _transfers.Add(Sender.Path.ToSerializationFormat(), chunk, _clock.ElapsedMilliseconds);
        switch (receipt.Status)
        {
            case ChunkStatus.Accepted or ChunkStatus.Duplicate:
                Sender.Tell(new PayloadChunkAck(header.TransferId, chunk.Index));
                break;
            case ChunkStatus.Completed:
                Sender.Tell(new PayloadChunkAck(header.TransferId, chunk.Index));
                Deliver(header, receipt.Payload!);
                break;
            case ChunkStatus.Rejected:
                Reject(header, receipt.Problem!);
                break;
        }
    }

    private void Deliver(PayloadHeader header, byte[] payload)
    {
        if (header.Recipient is not IActorRefScope { IsLocal: true })
        {
            Reject(header, $"recipient {header.Recipient} is not on this node");
            return;
        }
        object message;
        try
        {
            message = _serialization.Deserialize(payload, ProtocolSerializer.SerializerId, header.Manifest);
        }
        catch (Exception e)
        {
            Reject(header, $"the reassembled payload does not decode: {e.Message}");
            return;
        }
        header.Recipient.Tell(message, header.ReplyTo);
    }

    private void Reject(PayloadHeader header, string problem)
    {
        _log.Error("Dropped {0} from {1} (on behalf of {2}): {3}", header.Description, Sender,
            header.ReplyTo?.ToString() ?? "no sender", problem);
        Sender.Tell(new PayloadRejected(header.TransferId, problem));
    }

    private void ExpireStalledTransfers()
    {
        foreach (var stalled in _transfers.Expire(_clock.ElapsedMilliseconds))
        {
            _log.Error("Dropped {0} from {1}: stalled after {2} chunks", stalled.Header.Description, stalled.Sender,
                stalled.ReceivedChunks);
        }
    }

    private sealed class ExpireStalled : INoSerializationVerificationNeeded
    {
        public static readonly ExpireStalled Instance = new();
    }
}
