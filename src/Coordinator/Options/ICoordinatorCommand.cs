using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>What the coordinator executable was asked to do: <see cref="TrainingOptions"/>, <see cref="EvalOptions"/> or <see cref="SampleOptions"/>.</summary>
public interface ICoordinatorCommand : ICheckedOptions;
