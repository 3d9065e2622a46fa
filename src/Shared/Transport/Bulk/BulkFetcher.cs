using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Transport.Security;

namespace AttnRnnCluster.Transport;

/// <summary>
/// The receiving side of one node's bulk channel: declines offers it must not or cannot take, fetches the others
/// off the actor thread (<see cref="BulkClient"/>), answers the offering actor with <see cref="PayloadOfferTaken"/>
/// or <see cref="PayloadOfferFailed"/>, and delivers what it fetched. A bulk server it cannot connect to is
/// remembered for <see cref="UnreachableMemory"/>, and its offers are declined at once meanwhile.
/// </summary>
public sealed class BulkFetcher(
    TransferSettings settings, ClusterTls? tls, ExtendedActorSystem system, PayloadBuffers buffers,
    BulkChannelCounters counters, TransportBytes bytes, IncomingBudget budget, ILoggingAdapter log)
{
    public static readonly TimeSpan UnreachableMemory = TimeSpan.FromMinutes(1);

    private readonly UnreachableEndpoints _unreachable = new(UnreachableMemory);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>
    /// Why <paramref name="offer"/> from node <paramref name="peer"/> is declined before anything is allocated or
    /// connected; null to fetch it, its length then reserved against the incoming budget until
    /// <see cref="FetchAndDeliver"/> (which the caller must call) has delivered or dropped it.
    /// </summary>
    public string? Admit(PayloadOffer offer, string peer)
    {
        if ((offer.Header.Layout.Problem(settings.MaxPayloadBytes) ?? PayloadDelivery.RecipientProblem(offer.Header)) is { } problem)
            return problem;
        var now = _clock.ElapsedMilliseconds;
        return _unreachable.IsUnreachable(offer.Endpoint, now, out var failedAt)
            ? $"could not connect to {offer.Endpoint} {(now - failedAt) / 1000} s ago; its offers are declined for {UnreachableMemory.TotalSeconds} s after that"
            : budget.TryReserve(peer, offer.Header.TotalLength);
    }

    /// <summary>
    /// Fetches and verifies the payload, answers <paramref name="offerer"/>, then decodes and delivers it. Never throws.
    /// The answer comes as soon as the bytes are verified: from then on the sender's copy is of no use (a payload that
    /// arrived intact but does not decode would not decode from chunks either), so it can recycle it while this node
    /// decodes. A payload that does not decode is logged here, the one place that knows.
    /// </summary>
    public async Task FetchAndDeliver(PayloadOffer offer, string peer, IActorRef offerer, IActorRef receiver, CancellationToken cancel)
    {
        try
        {
            await FetchDecodeAndDeliver(offer, offerer, receiver, cancel);
        }
        finally
        {
            budget.Release(peer, offer.Header.TotalLength);
        }
    }

    private async Task FetchDecodeAndDeliver(PayloadOffer offer, IActorRef offerer, IActorRef receiver, CancellationToken cancel)
    {
        var header = offer.Header;
        byte[] payload;
        var clock = Stopwatch.StartNew();
        try
        {
            payload = await BulkClient.Fetch(offer, tls, settings, buffers, log, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return; // this node is stopping
        }
        catch (Exception e)
        {
            if (e is BulkFetchException { CouldNotConnect: true })
                _unreachable.Remember(offer.Endpoint, _clock.ElapsedMilliseconds);
            var problem = e is BulkFetchException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            Drop(header, offerer, problem);
            offerer.Tell(new PayloadOfferFailed(header.TransferId, problem), receiver);
            return;
        }
        var fetched = clock.ElapsedMilliseconds;
        counters.CountFetched();
        bytes.CountReceived(TransportChannel.Bulk, header.TotalLength);
        offerer.Tell(new PayloadOfferTaken(header.TransferId), receiver);

        var message = PayloadDelivery.Decode(system, header, payload, out var undecodable);
        // A chunk's bytes are a slice of the payload it was decoded from; every other message is a copy.
        if (message is not PayloadChunk)
            buffers.Return(payload);
        if (message == null)
        {
            Drop(header, offerer, undecodable!);
            return;
        }
        PayloadDelivery.Deliver(header, message);
        log.Debug("Fetched {0} from {1} in {2} ms, decoded it in {3} ms", header.Description, offer.Endpoint, fetched, clock.ElapsedMilliseconds - fetched);
    }

    private void Drop(PayloadHeader header, IActorRef offerer, string problem) =>
        log.Error("Dropped bulk {0} from {1} (on behalf of {2}): {3}", header.Description, offerer, header.ReplyTo?.ToString() ?? "no sender", problem);
}
