using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Sends one payload to one remote node's <c>payload-receiver</c>, keeping at most the window's worth of chunks
/// unacknowledged, and stops when all are acknowledged, when the receiver rejects the transfer, or when no ack
/// comes for the timeout. It never retries: a lost transfer is the protocol's to recover (shard timeouts). It holds
/// the payload from its creation and lets go when it stops; a chunk still queued in Akka's connection then may
/// carry recycled bytes, which the receiver's checksum rejects, and the transfer had ended anyway.
/// </summary>
public sealed class OutgoingTransferActor : ReceiveActor
{
    private readonly PayloadHeader _header;
    private readonly SharedPayload _payload;
    private readonly IActorRef _receiver;
    private readonly ChunkWindow _window;
    private readonly TransportBytes _bytes;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public OutgoingTransferActor(PayloadHeader header, SharedPayload payload, IActorRef receiver, TransferSettings settings, TransportBytes bytes)
    {
        _header = header;
        _payload = payload;
        _receiver = receiver;
        _bytes = bytes;
        _window = new ChunkWindow(header.Layout.Count, settings.Window);
        Context.SetReceiveTimeout(settings.Timeout);

        Receive<PayloadChunkAck>(ack => ack.TransferId == _header.TransferId, OnAck);
        Receive<PayloadRejected>(rejected => rejected.TransferId == _header.TransferId, rejected =>
        {
            _log.Error("The receiver {0} rejected {1}: {2}", Sender, _header.Description, rejected.Reason);
            Context.Stop(Self);
        });
        Receive<ReceiveTimeout>(_ =>
        {
            _log.Error("Abandoned {0}: {1} chunks acknowledged, then none for {2}", _header.Description,
                _window.AcknowledgedCount, settings.Timeout);
            Context.Stop(Self);
        });
    }

    public static Props Props(PayloadHeader header, SharedPayload payload, IActorRef receiver, TransferSettings settings, TransportBytes bytes) =>
        Akka.Actor.Props.Create(() => new OutgoingTransferActor(header, payload, receiver, settings, bytes));

    protected override void PreStart() => SendWhileWindowOpen();

    protected override void PostStop() => _payload.Release();

    private void OnAck(PayloadChunkAck ack)
    {
        if (!_window.Acknowledge(ack.Index))
            return;
        if (_window.AllAcknowledged)
        {
            _log.Debug("Sent {0} in {1} ms", _header.Description, _clock.ElapsedMilliseconds);
            Context.Stop(Self);
            return;
        }
        SendWhileWindowOpen();
    }

    private void SendWhileWindowOpen()
    {
        var layout = _header.Layout;
        while (_window.TryTakeNext(out var index))
        {
            _receiver.Tell(new PayloadChunk(_header, index, _payload.Bytes.AsMemory(layout.Offset(index), layout.Length(index))), Self);
            _bytes.CountSent(TransportChannel.Chunks, layout.Length(index));
        }
    }
}
