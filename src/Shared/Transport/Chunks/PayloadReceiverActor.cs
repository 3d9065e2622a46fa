using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The node's <c>payload-receiver</c>: acknowledges chunks, and when a transfer is complete and verified,
/// deserializes the message and delivers it to its local recipient as if sent by the original sender.
/// Corrupt, undeliverable, oversized and stalled transfers are dropped with an error naming the sending actor, logged
/// once per sending node and minute (a peer that sends garbage costs a line a minute, the next one says how many were
/// left out). Incoming memory is reserved against the node's <see cref="IncomingBudget"/> before it is allocated.
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
    private readonly OncePerKey _errorsByPeer = new();

    private readonly TimeSpan _expiryInterval;

    private readonly MessageLanes? _lanes;
    private readonly TransportBytes _bytes;

    public PayloadReceiverActor(TransferSettings settings, IncomingBudget budget, BulkFetcher? bulk, TransportBytes bytes, MessageLanes? lanes)
    {
        _lanes = lanes;
        _bytes = bytes;
        _transfers = IncomingTransfers.For(settings, budget);
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

    public static Props Props(TransferSettings settings, IncomingBudget budget, BulkFetcher? bulk, TransportBytes bytes, MessageLanes? lanes = null) =>
        Akka.Actor.Props.Create(() => new PayloadReceiverActor(settings, budget, bulk, bytes, lanes));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(nameof(ExpireStalled), ExpireStalled.Instance, _expiryInterval);

    // Abandons fetches under way (the node is stopping). Not disposed: they may still link to its token.
    protected override void PostStop() => _stopping.Cancel();

    private void OnChunk(PayloadChunk chunk)
    {
        var header = chunk.Header;
        var receipt = _transfers.Add(Sender.Path.ToSerializationFormat(), PeerOf(Sender), chunk, _clock.ElapsedMilliseconds);
        switch (receipt.Status)
        {
            case ChunkStatus.Accepted:
                _bytes.CountReceived(TransportChannel.Chunks, chunk.Bytes.Length);
                Sender.Tell(new PayloadChunkAck(header.TransferId, chunk.Index));
                break;
            case ChunkStatus.Duplicate:
                Sender.Tell(new PayloadChunkAck(header.TransferId, chunk.Index));
                break;
            case ChunkStatus.Completed:
                _bytes.CountReceived(TransportChannel.Chunks, chunk.Bytes.Length);
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
        var peer = PeerOf(Sender);
        if (_bulk.Admit(offer, peer) is { } problem)
        {
            if (PassesFor(peer, out var suppressed))
                _log.Error("Declined bulk {0} from {1} (on behalf of {2}): {3}{4}", offer.Header.Description, Sender,
                    offer.Header.ReplyTo?.ToString() ?? "no sender", problem, LeftOut(suppressed));
            Sender.Tell(new PayloadOfferFailed(offer.Header.TransferId, problem));
            return;
        }
        _ = _bulk.FetchAndDeliver(offer, peer, Sender, Self, _stopping.Token);
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
        if (PassesFor(PeerOf(Sender), out var suppressed))
            _log.Error("Dropped {0} from {1} (on behalf of {2}): {3}{4}", header.Description, Sender,
                header.ReplyTo?.ToString() ?? "no sender", problem, LeftOut(suppressed));
        Sender.Tell(new PayloadRejected(header.TransferId, problem));
    }

    private void ExpireStalledTransfers()
    {
        foreach (var stalled in _transfers.Expire(_clock.ElapsedMilliseconds))
        {
            var peer = ActorPath.TryParse(stalled.Sender, out var path) ? path.Address.ToString() : stalled.Sender;
            if (PassesFor(peer, out var suppressed))
                _log.Error("Dropped {0} from {1}: stalled after {2} chunks{3}", stalled.Header.Description, stalled.Sender,
                    stalled.ReceivedChunks, LeftOut(suppressed));
        }
    }

    /// <summary>The node an actor is on: the key of its share of the budget and of its error lines.</summary>
    private static string PeerOf(IActorRef actor) => actor.Path.Address.ToString();

    private bool PassesFor(string peer, out int suppressed) => _errorsByPeer.TryPass(peer, out suppressed);

    private static string LeftOut(int suppressed) =>
        suppressed == 0 ? "" : $" ({suppressed} more such errors from that node in the last minute were not logged)";

    private sealed class ExpireStalled : INoSerializationVerificationNeeded
    {
        public static readonly ExpireStalled Instance = new();
    }
}
