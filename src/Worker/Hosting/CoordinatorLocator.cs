using Akka.Actor;
using Akka.Event;
using AttnRnnCluster.Protocol;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Worker.Hosting;

/// <summary>
/// Finds the coordinator actor at the seed nodes, hands it to the worker, and watches it. While it cannot be
/// found (not started yet, restarting, unreachable) it keeps asking and says so; after
/// <c>coordinatorTimeout</c> without one it gives up and publishes <see cref="CoordinatorLost"/>.
/// </summary>
public sealed class CoordinatorLocator : ReceiveActor, IWithTimers
{
    public const string Name = "coordinator-locator";
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private readonly IReadOnlyList<Address> _seeds;
    private readonly IActorRef _worker;
    private readonly TimeSpan _timeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DateTime _searchingSince = DateTime.UtcNow;
    private int _attempts;

    public CoordinatorLocator(IReadOnlyList<Address> seeds, IActorRef worker, TimeSpan coordinatorTimeout)
    {
        _seeds = seeds;
        _worker = worker;
        _timeout = coordinatorTimeout;
        Searching();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<Address> seeds, IActorRef worker, TimeSpan coordinatorTimeout) =>
        Akka.Actor.Props.Create(() => new CoordinatorLocator(seeds, worker, coordinatorTimeout));

    /// <summary>Published when no coordinator could be found for the whole coordinator timeout.</summary>
    public sealed record CoordinatorLost(string Reason) : INoSerializationVerificationNeeded;

    /// <summary>Published when the coordinator this worker had found is gone (it looks for it again): not ready (/readyz).</summary>
    public sealed record CoordinatorGone(string Path) : INoSerializationVerificationNeeded;

    private sealed record Retry : INoSerializationVerificationNeeded;

    protected override void PreStart() => Self.Tell(new Retry());

    private void Searching()
    {
        Receive<Retry>(_ =>
        {
            var waited = DateTime.UtcNow - _searchingSince;
            if (waited > _timeout)
            {
                string reason = $"no coordinator answered at {string.Join(", ", _seeds)} for {_timeout.TotalSeconds:0}s (--coordinator-timeout)";
                _log.Error("Giving up: {0}", reason);
                Context.System.EventStream.Publish(new CoordinatorLost(reason));
                return;
            }
            if (++_attempts % 5 == 1)
                _log.Info("Looking for the coordinator at {0} (waited {1:0}s of {2:0}s)", string.Join(", ", _seeds), waited.TotalSeconds, _timeout.TotalSeconds);
            foreach (var seed in _seeds)
                Context.ActorSelection(new RootActorPath(seed) / "user" / ActorNames.Coordinator).Tell(new Identify(seed.ToString()));
            Timers.StartSingleTimer("retry", new Retry(), RetryInterval);
        });
        Receive<ActorIdentity>(identity =>
        {
            if (identity.Subject == null) return;
            Timers.Cancel("retry");
            Context.Watch(identity.Subject);
            _log.Info("Found the coordinator at {0}", identity.Subject.Path);
            _worker.Tell(new TrainingWorker.ConnectTo(identity.Subject));
            Become(() => Connected(identity.Subject));
        });
    }

    private void Connected(IActorRef coordinator)
    {
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(coordinator)) return;
            _log.Warning("Lost the coordinator at {0}; retrying for up to {1:0}s", coordinator.Path, _timeout.TotalSeconds);
            Context.System.EventStream.Publish(new CoordinatorGone(coordinator.Path.ToString()));
            _searchingSince = DateTime.UtcNow;
            _attempts = 0;
            Become(Searching);
            Self.Tell(new Retry());
        });
        Receive<ActorIdentity>(_ => { });
    }
}
