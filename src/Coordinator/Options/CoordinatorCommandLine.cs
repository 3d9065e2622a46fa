using System.Collections;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>The coordinator executable's commands: train (the default; it may also be named), eval and sample.</summary>
public static class CoordinatorCommandLine
{
    public static IReadOnlyList<OptionsCommand<ICoordinatorCommand>> Commands() =>
        [TrainingOptions.Command(), EvalOptions.Command(), SampleOptions.Command()];

    /// <summary>The options from the arguments, the environment's ATTNRNN_ variables and the config file they name.</summary>
    public static OptionsOutcome<ICoordinatorCommand> Read(IReadOnlyList<string> args, IDictionary environment) =>
        new OptionsCommandLine<ICoordinatorCommand>(Commands()).Read(args, environment);
}
