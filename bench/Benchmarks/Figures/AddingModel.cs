using AttnRnnCluster.Model;

namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>The model every figure trains: the adding problem's (2 features in, 1 out, attention on), as the peers build it.</summary>
public static class AddingModel
{
    public static ModelConfig Config(int hidden) => new(InputKind.Dense, InputWidth: 2, hidden, OutputWidth: 1, Attention: true, TargetKind.Regression);
}
