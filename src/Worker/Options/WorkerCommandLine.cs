using System.Collections;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Worker.Options;

/// <summary>The worker executable's one command.</summary>
public static class WorkerCommandLine
{
    /// <summary>The options from the arguments, the environment's ATTNRNN_ variables and the config file they name.</summary>
    public static OptionsOutcome<WorkerOptions> Read(IReadOnlyList<string> args, IDictionary environment) =>
        new OptionsCommandLine<WorkerOptions>([WorkerOptions.Command()]).Read(args, environment);
}
