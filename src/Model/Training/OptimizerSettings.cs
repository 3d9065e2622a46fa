namespace AttnRnnCluster.Model.Training;

/// <summary>
/// The optimizer and its constants (PyTorch's defaults; SGD's momentum as commonly used). A non-zero
/// <see cref="WeightDecay"/> makes Adam PyTorch's AdamW (decoupled decay of every parameter); SGD takes none.
/// </summary>
public sealed record OptimizerSettings(
    OptimizerKind Kind = OptimizerKind.Adam,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    double Momentum = 0.9,
    double WeightDecay = 0)
{
    public IOptimizer Create(int size) => Kind switch
    {
        OptimizerKind.Adam => new AdamOptimizer(size, Beta1, Beta2, Epsilon, WeightDecay),
        OptimizerKind.Sgd when WeightDecay == 0 => new SgdOptimizer(size, Momentum),
        OptimizerKind.Sgd => throw new ArgumentException($"optimizer: weight decay is for Adam (AdamW); SGD takes none (got {WeightDecay})"),
        _ => throw new ArgumentException($"optimizer: unknown kind {Kind} (expected Adam or Sgd)"),
    };
}
