using AttnRnnCluster.Http;

namespace AttnRnnCluster.Shared.Tests.Http;

/// <summary>A test double for a node's probes: the test says what they answer.</summary>
internal sealed class SettableProbes : INodeProbes
{
    public volatile bool Alive = true;
    public volatile bool Ready;

    public ProbeAnswer Liveness() => Alive ? ProbeAnswer.Yes("alive for the test") : ProbeAnswer.No("dead for the test");

    public ProbeAnswer Readiness() => Ready ? ProbeAnswer.Yes("ready for the test") : ProbeAnswer.No("not ready for the test");
}
