using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>The coordinator's eval command: the held-out loss of a checkpoint on a task or data file.</summary>
public sealed record EvalOptions : ICoordinatorCommand
{
    public string Checkpoint { get; init; } = "";
    public DataOptions Data { get; init; } = new();

    /// <summary>Sequences evaluated at once.</summary>
    public int Batch { get; init; } = 64;

    public ulong Seed { get; init; }
    public int Threads { get; init; } = 1;
    public LogOptions Logging { get; init; } = new();

    public static OptionsCommand<ICoordinatorCommand> Command()
    {
        var defaults = new EvalOptions();
        var checkpoint = CoordinatorOptions.Checkpoint();
        var batch = new LayeredOption<int>("batch", new IntegerKind(1, 1 << 20), defaults.Batch, "sequences evaluated at once");
        var seed = CoordinatorOptions.Seed(defaults.Seed, "seed of the held-out set (the training run's seed gives its set)");
        var threads = NodeOptions.Threads(defaults.Threads);
        var data = new DataOptionGroup();
        var logging = new LoggingOptionGroup("none");
        return new OptionsCommand<ICoordinatorCommand>(
            Name: "eval",
            Usage: "dotnet run --project src/Coordinator -- eval --checkpoint FILE [options]",
            Summary: "Measures a checkpoint's held-out loss on a task or data file (the model's shape comes from the checkpoint).",
            Sections: [new("eval", [checkpoint, batch, seed, threads]), new("data", data.All), new("logging", logging.All)],
            Read: values => new EvalOptions
            {
                Checkpoint = values.Get(checkpoint),
                Batch = values.Get(batch),
                Seed = values.Get(seed),
                Threads = values.Get(threads),
                Data = data.Read(values),
                Logging = logging.Read(values),
            });
    }

    public IEnumerable<string> Check(IOptionOrigins origins) => Data.Check(origins);
}
