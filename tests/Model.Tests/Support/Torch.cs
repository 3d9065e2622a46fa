using AttnRnnCluster.Model.Runtime;

namespace AttnRnnCluster.Model.Tests.Support;

internal static class Torch
{
    /// <summary>Loads the natives with one intra-op thread, as the tests assume; idempotent.</summary>
    public static void Init() => TorchRuntime.EnsureLoaded(intraOpThreads: 1);
}
