namespace AttnRnnCluster.Model.Training;

public enum OptimizerKind
{
    Adam,
    Sgd,
}
