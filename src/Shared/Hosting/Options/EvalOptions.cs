using AttnRnnCluster.Hosting.Logging;

namespace AttnRnnCluster.Hosting.Options;

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

    public static readonly OptionTable<EvalOptions> Table = new(
        Command: "eval",
        Usage: "dotnet run --project src/Coordinator -- eval --checkpoint FILE [options]",
        Summary: "Measures a checkpoint's held-out loss on a task or data file (the model's shape comes from the checkpoint).",
        Defaults: new EvalOptions(),
        Sections:
        [
            new("eval",
            [
                Option.Checkpoint<EvalOptions>(o => o.Checkpoint, (o, v) => o with { Checkpoint = v }),
                Option.Integer<EvalOptions>("batch", 1, 1 << 20, o => o.Batch, (o, v) => o with { Batch = v }, "sequences evaluated at once"),
                Option.Seed<EvalOptions>(o => o.Seed, (o, v) => o with { Seed = v }, "seed of the held-out set (the training run's seed gives its set)"),
                Option.Threads<EvalOptions>(o => o.Threads, (o, v) => o with { Threads = v }),
            ]),
            new("data", [.. DataOptions.Table.Select(o => o.In<EvalOptions>(e => e.Data, (e, v) => e with { Data = v }))]),
            new("logging", [.. LoggingOptionTable.Create("none").Select(o => o.In<EvalOptions>(e => e.Logging, (e, v) => e with { Logging = v }))]),
        ])
    {
        Required = new HashSet<string> { "checkpoint" },
        Check = (options, origins) => options.Data.Check(origins),
    };
}
