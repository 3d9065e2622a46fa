namespace AttnRnnCluster.Model.Training;

/// <summary>The optimizer and its constants (PyTorch's defaults; SGD's momentum as commonly used).</summary>
public sealed record OptimizerSettings(
    OptimizerKind Kind = OptimizerKind.Adam,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    double Momentum = 0.9)
{
    public IOptimizer Create(int size) => Kind switch
    {
        OptimizerKind.Adam => new AdamOptimizer(size, Beta1, Beta2, Epsilon),
        OptimizerKind.Sgd => new SgdOptimizer(size, Momentum),
        _ => throw new ArgumentException($"optimizer: unknown kind {Kind} (expected Adam or Sgd)"),
    };
}
