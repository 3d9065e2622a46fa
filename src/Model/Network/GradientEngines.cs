using AttnRnnCluster.Model.Network.Fast;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Network;

/// <summary>
/// The one place the executables get a model replica from, so the engine behind it can change in one place:
/// the fast engine, in float32. <see cref="AutogradEngine"/> stays as the reference it is tested against.
/// </summary>
public static class GradientEngines
{
    public static IGradientEngine Create(ModelConfig config) => new FastEngine<float>(config);
}
