using System.Threading.Channels;
using Akka.Actor;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>An actor that hands every message it gets, with its sender, to the test.</summary>
public sealed class Recorder
{
    private readonly Channel<Recorded> _received = Channel.CreateUnbounded<Recorded>();

    public Recorder(ActorSystem system, string name) =>
        Ref = system.ActorOf(Props.Create(() => new RecorderActor(_received.Writer)), name);

    public IActorRef Ref { get; }

    /// <summary>The next message, failing the test when none comes within <paramref name="timeout"/>.</summary>
    public async Task<Recorded> Next(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await _received.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Ref.Path} received nothing within {timeout}");
        }
    }

    /// <summary>The next message that is a <typeparamref name="T"/> (and matches <paramref name="where"/>), skipping others.</summary>
    public async Task<(T Message, IActorRef Sender)> Next<T>(TimeSpan timeout, Func<T, bool>? where = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var recorded = await Next(deadline - DateTime.UtcNow);
            if (recorded.Message is T message && (where == null || where(message)))
                return (message, recorded.Sender);
        }
    }

    /// <summary>Everything received so far.</summary>
    public IReadOnlyList<Recorded> Drain()
    {
        var all = new List<Recorded>();
        while (_received.Reader.TryRead(out var recorded))
            all.Add(recorded);
        return all;
    }

    public sealed record Recorded(object Message, IActorRef Sender);

    private sealed class RecorderActor : ReceiveActor
    {
        public RecorderActor(ChannelWriter<Recorded> received) =>
            ReceiveAny(message => received.TryWrite(new Recorded(message, Sender)));
    }
}
