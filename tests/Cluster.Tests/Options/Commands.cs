using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Worker.Options;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>Every command of both executables, as the help and the docs show it.</summary>
internal static class Commands
{
    public sealed record Described(string Name, string Help, IReadOnlyList<LayeredOption> Options, IReadOnlyList<string> Sections);

    public static readonly IReadOnlyList<string> Names = ["train", "eval", "sample", "worker"];

    public static Described Describe(string name)
    {
        if (name == "worker")
        {
            var worker = WorkerOptions.Command();
            return new(name, HelpOf(WorkerCommandLine.Read(["--help"], NoEnvironment)), [.. worker.Options], [.. worker.Sections.Select(s => s.Title)]);
        }
        var command = CoordinatorCommandLine.Commands().Single(c => c.Name == name);
        return new(name, HelpOf(CoordinatorCommandLine.Read([name, "--help"], NoEnvironment)), [.. command.Options], [.. command.Sections.Select(s => s.Title)]);
    }

    private static string HelpOf<T>(OptionsOutcome<T> outcome) => Assert.IsType<OptionsOutcome<T>.Help>(outcome).Text;
}
