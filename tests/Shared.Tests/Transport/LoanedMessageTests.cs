using Akka.Actor;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;
using AttnRnnCluster.Shared.Tests.Protocol;
using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>Two remote nodes on loopback without lanes or bulk channel: a small message goes as a plain Tell, which Akka serializes later, on its own thread.</summary>
public sealed class PlainRemoteNodesFixture : IAsyncLifetime
{
    public static readonly TransferSettings Plain = PayloadTransportFixture.Patient with { Lanes = false, BulkChannel = false };

    public ActorSystem Sender { get; private set; } = null!;
    public ActorSystem Receiver { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Sender = TestNodes.Start("remote", Plain);
        Receiver = TestNodes.Start("remote", Plain);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => TestNodes.StopAll([Sender, Receiver]);
}

/// <summary>
/// A message whose values are on loan (a step's weight broadcast in a recycled buffer): the transport counts each local
/// recipient as a reader, and a remote one gets the bits the values had during the send, even when the buffer is reused
/// the moment the send returns.
/// </summary>
public sealed class LoanedMessageTests(PlainRemoteNodesFixture nodes) : IClassFixture<PlainRemoteNodesFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(100)] // one chunk: a plain Tell, serialized later by Akka
    [InlineData(20_000)] // chunks: encoded during the send
    public async Task A_remote_recipient_gets_the_bits_of_the_send_though_the_buffer_is_reused_as_soon_as_the_send_returns(int count)
    {
        var recipient = new Recorder(nodes.Receiver, $"loaned-{count}");
        var values = Floats(count);
        var sentBits = BitsOf(values);
        int givenBack = 0;
        var update = new WeightsUpdate(5, SampleMessages.Parameters(values)) { Loan = new BufferLoan(() => givenBack++) };

        PayloadTransport.Get(nodes.Sender).Tell([TestNodes.RemoteRef(nodes.Sender, recipient.Ref, nodes.Receiver)], update, ActorRefs.NoSender);
        update.Loan.Release();
        Array.Fill(values, float.NaN); // the next step's weights go into the buffer at once
        var (received, _) = await recipient.Next<WeightsUpdate>(Patience);

        Assert.Equal(sentBits, BitsOf(received.Weights.Values));
        Assert.Equal(1, givenBack);
    }

    [Fact]
    public async Task Each_local_recipient_is_a_reader_of_the_loan_until_it_releases_it()
    {
        using var system = ActorSystem.Create("local", NodeConfig.Wire());
        var first = new Recorder(system, "first");
        var second = new Recorder(system, "second");
        int givenBack = 0;
        var update = new WeightsUpdate(6, SampleMessages.Parameters(Floats(10))) { Loan = new BufferLoan(() => givenBack++) };

        PayloadTransport.Get(system).Tell([first.Ref, second.Ref], update, ActorRefs.NoSender);
        update.Loan.Release();
        var (got, _) = await first.Next<WeightsUpdate>(Patience);
        got.Loan!.Release();
        Assert.Equal((1, 0), (update.Loan.Readers, givenBack));
        (got, _) = await second.Next<WeightsUpdate>(Patience);
        got.Loan!.Release();

        Assert.Equal((0, 1), (update.Loan.Readers, givenBack));
        await system.Terminate();
    }

    private static float[] Floats(int count) => [.. Enumerable.Range(0, count).Select(i => MathF.Sin(i) * (i % 13))];

    private static int[] BitsOf(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
