using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>Options that several of the coordinator's commands have, each saying in its own words what they are for.</summary>
public static class CoordinatorOptions
{
    /// <summary>A seed for everything random (data, initial weights, sampling); one seed, one run.</summary>
    public static LayeredOption<ulong> Seed(ulong defaultValue, string description) => new("seed", new SeedKind(), defaultValue, description);

    public static LayeredOption<string> Checkpoint() =>
        new("checkpoint", new PathKind("FILE", PathRequirement.ExistingFile), "", "the checkpoint (.safetensors) to load") { MustBeGiven = true };
}
