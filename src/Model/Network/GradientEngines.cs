using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Network;

/// <summary>The one place the executables get a model replica from, so the engine behind it can change in one place.</summary>
public static class GradientEngines
{
    public static IGradientEngine Create(ModelConfig config) => new AutogradEngine(config);
}
