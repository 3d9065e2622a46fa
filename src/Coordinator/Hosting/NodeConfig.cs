using Akka.Configuration;
using AttnRnnCluster.Shared.Logging;
using AttnRnnCluster.Shared.Serialization;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Worker.Training;

namespace AttnRnnCluster.Coordinator.Hosting;

/// <summary>
/// The config every actor system of ours shares: the binary wire format (also in one process, so that a
/// message that could not cross the wire fails in tests too), the coordinator's and the workers' dispatchers, and logging
/// through Serilog. <paramref name="specific"/> (cluster or local) goes in front.
/// </summary>
public static class NodeConfig
{
    public static Config Build(Config specific, WirePrecision precision = WirePrecision.F32) =>
        specific
            .WithFallback(WireConfig.Create(precision))
            .WithFallback(ConfigurationFactory.ParseString(WorkerDispatcher.Hocon))
            .WithFallback(ConfigurationFactory.ParseString(CoordinatorDispatcher.Hocon))
            .WithFallback(ConfigurationFactory.ParseString(LogSetup.AkkaLoggingHocon));
}
