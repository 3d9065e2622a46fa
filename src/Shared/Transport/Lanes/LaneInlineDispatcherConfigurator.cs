using Akka.Configuration;
using Akka.Dispatch;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Makes <see cref="LaneInlineDispatcher"/>s from a dispatcher's HOCON (see <see cref="Hocon"/>). With
/// <c>thread-per-actor = on</c> each actor gets a dispatcher, and so an executor thread, of its own, as Akka's
/// PinnedDispatcher does for actors that block while they compute; otherwise all its actors share one.
/// </summary>
public sealed class LaneInlineDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly ExecutorServiceConfigurator _executor;
    private readonly LaneInlineDispatcher? _shared;

    public LaneInlineDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites) : base(config, prerequisites)
    {
        _executor = ConfigureExecutor();
        if (!Config.GetBoolean("thread-per-actor", false))
            _shared = Create();
    }

    /// <summary>The HOCON of a dispatcher <paramref name="id"/> of this kind.</summary>
    public static string Hocon(string id, bool threadPerActor) =>
        threadPerActor
            ? $$"""
              {{id}} {
                type = "{{typeof(LaneInlineDispatcherConfigurator).AssemblyQualifiedName}}"
                thread-per-actor = on
                executor = fork-join-executor
                dedicated-thread-pool { thread-count = 1, threadtype = background }
              }
              """
            : $$"""
              {{id}} {
                type = "{{typeof(LaneInlineDispatcherConfigurator).AssemblyQualifiedName}}"
                executor = default-executor
              }
              """;

    public override MessageDispatcher Dispatcher() => _shared ?? Create();

    private LaneInlineDispatcher Create() =>
        new(this, Config.GetString("id"), Config.GetInt("throughput"), Config.GetTimeSpan("throughput-deadline-time").Ticks,
            _executor, Config.GetTimeSpan("shutdown-timeout"));
}
