using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The node's <c>payload-receiver</c>: acknowledges chunks, and when a transfer is complete and verified,
/// deserializes the message and delivers it to its local recipient as if sent by the original sender.
/// Corrupt, undeliverable and stalled transfers are dropped with an error naming the sending actor.
/// Bulk offers go to the node's bulk fetcher (none when this node's bulk channel is off: they are declined); lane
/// requests and their answers to its message lanes (none when lanes are off: requests are declined).
/// </summary>
public sealed class PayloadReceiverActor : ReceiveActor, IWithTimers
{
    private readonly IncomingTransfers _transfers;
    private readonly BulkFetcher? _bulk;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ExtendedActorSystem _system = (ExtendedActorSystem)Context.System;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stopping = new();

    private readonly TimeSpan _expiryInterval;

    private readonly MessageLanes? _lanes;

    public PayloadReceiverActor(TransferSettings settings, BulkFetcher? bulk, MessageLanes? lanes)
    {
        _lanes = lanes;
        _transfers = new IncomingTransfers(settings.MaxPayloadBytes, settings.Timeout);
        _bulk = bulk;
        _expiryInterval = settings.Timeout / 4;
        Receive<PayloadChunk>(OnChunk);
        Receive<PayloadOffer>(OnOffer);
        Receive<ExpireStalled>(_ => ExpireStalledTransfers());
        Receive<LaneRequest>(m => Sender.Tell(_lanes?.Answer(m, Sender.Path.Address) ?? new LaneDeclined(m.Attempt, "message lanes are off on this node")));
        Receive<LaneInvitation>(m => _lanes?.Invited(m, Sender.Path.Address));
        Receive<LaneDeclined>(m => _lanes?.Declined(m, Sender.Path.Address));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TransferSettings settings, BulkFetcher? bulk, MessageLanes? lanes = null) =>
        Akka.Actor.Props.Create(() => new PayloadReceiverActor(settings, bulk, lanes));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(ExpireStalled), ExpireStalled.Instance, _expiryInterval);

    // Abandons fetches under way (the node is stopping). Not disposed: they may still link to its token.
    protected override void PostStop() => _stopping.Cancel();

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

    private void OnOffer(PayloadOffer offer)
    {
        if (_bulk == null)
        {
            _log.Debug("Declined bulk {0} from {1}: the bulk channel is off on this node", offer.Header.Description, Sender);
            Sender.Tell(new PayloadOfferFailed(offer.Header.TransferId, "the bulk channel is off on the receiving node"));
            return;
        }
        if (_bulk.Problem(offer) is { } problem)
        {
            _log.Error("Declined bulk {0} from {1} (on behalf of {2}): {3}", offer.Header.Description, Sender,
                offer.Header.ReplyTo?.ToString() ?? "no sender", problem);
            Sender.Tell(new PayloadOfferFailed(offer.Header.TransferId, problem));
            return;
        }
        _ = _bulk.FetchAndDeliver(offer, Sender, Self, _stopping.Token);
    }

    private void Deliver(PayloadHeader header, byte[] payload)
    {
        var problem = PayloadDelivery.RecipientProblem(header);
        var message = problem == null ? PayloadDelivery.Decode(_system, header, payload, out problem) : null;
        if (message != null)
            PayloadDelivery.Deliver(header, message);
        else
            Reject(header, problem!);
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
