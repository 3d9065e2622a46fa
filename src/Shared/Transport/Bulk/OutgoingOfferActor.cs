using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Offers one payload to one remote node's <c>payload-receiver</c> over the bulk channel: registers it with this
/// node's <see cref="BulkServer"/>, sends a <see cref="PayloadOffer"/>, and stops when the receiver reports it
/// fetched and verified. If the receiver declines or fails, or the server's write fails, it hands the payload to an
/// <see cref="OutgoingTransferActor"/> (chunks over Akka) and stops. Silence for the timeout, except while the
/// server is writing (which has its own stall timeout), abandons the transfer: the chunks would meet the same
/// silence. When it stops, the offer is withdrawn and the actor lets go of the payload (it holds it from its creation).
/// </summary>
public sealed class OutgoingOfferActor : ReceiveActor
{
    private readonly PayloadHeader _header;
    private readonly SharedPayload _payload;
    private readonly IActorRef _receiver;
    private readonly BulkServer _server;
    private readonly string _host;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public OutgoingOfferActor(PayloadHeader header, SharedPayload payload, IActorRef receiver, BulkServer server, string host, TransferSettings settings)
    {
        _header = header;
        _payload = payload;
        _receiver = receiver;
        _server = server;
        _host = host;
        Context.SetReceiveTimeout(settings.Timeout);

        Receive<PayloadOfferTaken>(taken => taken.TransferId == header.TransferId, _ =>
        {
            _log.Debug("Sent {0} over the bulk channel in {1} ms", header.Description, _clock.ElapsedMilliseconds);
            PayloadTransport.Get(Context.System).Bytes.CountSent(TransportChannel.Bulk, header.TotalLength);
            Context.Stop(Self);
        });
        Receive<PayloadOfferFailed>(failed => failed.TransferId == header.TransferId, failed => FallBack($"the receiver {Sender} says: {failed.Reason}"));
        Receive<OfferProgress.FetchStarted>(_ => Context.SetReceiveTimeout(null));
        Receive<OfferProgress.Served>(_ => Context.SetReceiveTimeout(settings.Timeout));
        Receive<OfferProgress.ServeFailed>(failed => FallBack(failed.Reason));
        Receive<ReceiveTimeout>(_ =>
        {
            _log.Error("Abandoned {0}: offered over the bulk channel at {1}:{2}, then no answer for {3}", header.Description,
                host, server.Port, settings.Timeout);
            Context.Stop(Self);
        });
    }

    public static Props Props(PayloadHeader header, SharedPayload payload, IActorRef receiver, BulkServer server, string host, TransferSettings settings) =>
        Akka.Actor.Props.Create(() => new OutgoingOfferActor(header, payload, receiver, server, host, settings));

    protected override void PreStart()
    {
        var token = _server.Offer(_header.TransferId, _payload, Self);
        _receiver.Tell(new PayloadOffer(_header, _host, _server.Port, token), Self);
    }

    protected override void PostStop()
    {
        _server.Withdraw(_header.TransferId);
        _payload.Release();
    }

    private void FallBack(string reason)
    {
        _log.Warning("{0}: the bulk channel failed ({1}); sending it in chunks instead", _header.Description, reason);
        var transport = PayloadTransport.Get(Context.System);
        transport.BulkCounters.CountFellBack();
        transport.SendInChunks(_header, _payload.Hold(), _receiver);
        Context.Stop(Self);
    }
}
