using System.Net;
using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>
/// Offers made by hand to a receiver, for a payload held by a bulk server of the test's own: what the receiver
/// checks before it connects, and what it refuses after fetching. The forger (a recorder on another node) hears the
/// receiver's answers as an offer actor would.
/// </summary>
public sealed class ForgedOfferTests(BulkChannelFixture nodes) : IClassFixture<BulkChannelFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly BulkServer _server = BulkServer.Start(new IPEndPoint(IPAddress.Loopback, 0), null, BulkChannelFixture.Settings, nodes.Sender.Log);

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task A_wrong_token_is_refused_and_nothing_delivered_while_the_right_one_still_fetches_the_offer()
    {
        var errors = TestNodes.RecordErrors(nodes.Receiver, "wrong-token-errors");
        var (recipient, forger, owner) = Actors("wrong-token");
        var (offer, update) = Offer(id: 101, OnReceiver(recipient), owner);

        SendToReceiver(offer with { Token = new byte[BulkWire.TokenLength] }, forger);

        var failed = (await forger.Next<PayloadOfferFailed>(Patience)).Message;
        Assert.Equal(101, failed.TransferId);
        Assert.Contains("refused transfer 101: no such offer, or a wrong token", failed.Reason);
        var logged = (await errors.Next<Error>(Patience, e => e.Message.ToString()!.Contains("transfer 101"))).Message.ToString();
        Assert.Contains("/user/wrong-token-forger", logged);
        Assert.Empty(recipient.Drain());

        SendToReceiver(offer, forger);

        Assert.Equal(WireDescription.Of(update), WireDescription.Of((await recipient.Next<WeightsUpdate>(Patience)).Message));
        Assert.Equal(101, (await forger.Next<PayloadOfferTaken>(Patience)).Message.TransferId);
        Assert.IsType<OfferProgress.FetchStarted>((await owner.Next(Patience)).Message);
        Assert.IsType<OfferProgress.Served>((await owner.Next(Patience)).Message);
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_offered_checksum_are_never_delivered()
    {
        var (recipient, forger, owner) = Actors("corrupt");
        var (offer, _) = Offer(id: 102, OnReceiver(recipient), owner);

        SendToReceiver(offer with { Header = offer.Header with { Checksum = offer.Header.Checksum ^ 1 } }, forger);

        var failed = (await forger.Next<PayloadOfferFailed>(Patience)).Message;
        Assert.Contains($"the sender's is {offer.Header.Checksum ^ 1:x8}", failed.Reason);
        Assert.StartsWith($"checksum of the {offer.Header.TotalLength} fetched bytes is {offer.Header.Checksum:x8}", failed.Reason);
        Assert.Empty(recipient.Drain());
    }

    [Fact]
    public async Task Intact_bytes_that_do_not_decode_are_confirmed_to_the_sender_but_logged_and_never_delivered()
    {
        var errors = TestNodes.RecordErrors(nodes.Receiver, "undecodable-errors");
        var (recipient, forger, owner) = Actors("undecodable");
        var (offer, _) = Offer(id: 105, OnReceiver(recipient), owner);

        SendToReceiver(offer with { Header = offer.Header with { Manifest = "tf" } }, forger);

        Assert.Equal(105, (await forger.Next<PayloadOfferTaken>(Patience)).Message.TransferId);
        var logged = (await errors.Next<Error>(Patience, e => e.Message.ToString()!.Contains("transfer 105"))).Message.ToString();
        Assert.Contains("Dropped bulk transfer 105 of 'tf'", logged);
        Assert.Contains("the payload does not decode", logged);
        Assert.Contains("/user/undecodable-forger", logged);
        Assert.Empty(recipient.Drain());
    }

    [Fact]
    public async Task An_oversized_offer_is_declined_before_connecting()
    {
        var (recipient, forger, owner) = Actors("oversized");
        var (offer, _) = Offer(id: 103, OnReceiver(recipient), owner);
        var oversized = (int)BulkChannelFixture.Settings.MaxPayloadBytes + 1;

        SendToReceiver(offer with { Header = offer.Header with { TotalLength = oversized } }, forger);

        var failed = (await forger.Next<PayloadOfferFailed>(Patience)).Message;
        Assert.Equal($"total length {oversized} exceeds the limit of {BulkChannelFixture.Settings.MaxPayloadBytes} bytes", failed.Reason);
        Assert.Equal(0, _server.ConnectionsAccepted);
        Assert.Empty(recipient.Drain());
    }

    [Fact]
    public async Task An_offer_for_an_actor_on_another_node_is_declined_before_connecting()
    {
        var (_, forger, owner) = Actors("elsewhere");
        var (offer, _) = Offer(id: 104, forger.Ref, owner);

        SendToReceiver(offer, forger);

        Assert.Contains("is not on this node", (await forger.Next<PayloadOfferFailed>(Patience)).Message.Reason);
        Assert.Equal(0, _server.ConnectionsAccepted);
    }

    /// <summary>The recipient (on the receiving node), the forger and the offer's owner (on the sending node).</summary>
    private (Recorder Recipient, Recorder Forger, Recorder Owner) Actors(string name) =>
        (new Recorder(nodes.Receiver, $"{name}-recipient"), new Recorder(nodes.Sender, $"{name}-forger"), new Recorder(nodes.Sender, $"{name}-owner"));

    /// <summary>A weight update offered on the test's server, for <paramref name="recipient"/> (as the sending node sees it).</summary>
    private (PayloadOffer Offer, WeightsUpdate Update) Offer(long id, IActorRef recipient, Recorder owner)
    {
        var update = new WeightsUpdate(id, SampleMessages.Parameters(SampleMessages.ScrambledFloats(300_000)));
        var serializer = (ProtocolSerializer)nodes.Sender.Serialization.FindSerializerFor(update);
        var payload = serializer.ToBinary(update);
        var header = new PayloadHeader(id, BulkChannelFixture.Settings.ChunkSize, payload.Length, Crc32C.Compute(payload), ProtocolSerializer.SerializerId, "wu", recipient, null);
        var token = _server.Offer(id, BulkServerTests.Unpooled(payload), owner.Ref);
        return (new PayloadOffer(header, "127.0.0.1", _server.Port, token), update);
    }

    private IActorRef OnReceiver(Recorder recipient) => TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.Receiver);

    private void SendToReceiver(PayloadOffer offer, Recorder forger) =>
        TestNodes.RemoteRef(nodes.Sender, PayloadTransport.Get(nodes.Receiver).Receiver, nodes.Receiver).Tell(offer, forger.Ref);
}
