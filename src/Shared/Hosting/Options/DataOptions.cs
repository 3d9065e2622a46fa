namespace AttnRnnCluster.Hosting.Options;

/// <summary>What the model learns.</summary>
public enum TaskKind
{
    /// <summary>The adding problem: sum the two marked numbers of a sequence (regression, data generated from the seed).</summary>
    Adding,
    /// <summary>Character-level language modelling of a text file.</summary>
    Text,
    /// <summary>Sequences from a JSON Lines file, with a class or a real-valued target per sequence.</summary>
    Jsonl,
}

/// <summary>The data a command trains or evaluates on (shared by train and eval).</summary>
public sealed record DataOptions
{
    public TaskKind Task { get; init; } = TaskKind.Adding;

    /// <summary>The training file (text or jsonl); the adding task generates its data.</summary>
    public string? Data { get; init; }

    /// <summary>A separate held-out file; without it the held-out set is split off <see cref="Data"/>.</summary>
    public string? EvalData { get; init; }

    /// <summary>Number of classes for jsonl; 0 means a real-valued (regression) target.</summary>
    public int Classes { get; init; }

    /// <summary>Sequence length T (the context length for text).</summary>
    public int SeqLen { get; init; } = 100;

    /// <summary>Number of held-out sequences the eval loss is measured on.</summary>
    public int HeldOut { get; init; } = 512;

    public static readonly IReadOnlyList<Option<DataOptions>> Table =
    [
        Option.Choice<DataOptions, TaskKind>("task", o => o.Task, (o, v) => o with { Task = v },
            "adding: the adding problem; text: next character of --data; jsonl: a target per sequence of --data"),
        Option.Path<DataOptions>("data", "FILE", PathRequirement.ExistingFile, o => o.Data, (o, v) => o with { Data = v },
            "training data; required for text and jsonl"),
        Option.Path<DataOptions>("eval-data", "FILE", PathRequirement.ExistingFile, o => o.EvalData, (o, v) => o with { EvalData = v },
            "held-out data for text and jsonl")
            with { DefaultNote = "the last part of --data" },
        Option.Integer<DataOptions>("classes", 0, 1_000_000, o => o.Classes, (o, v) => o with { Classes = v },
            "jsonl only: number of classes; 0 = a real-valued target (regression)"),
        Option.Integer<DataOptions>("seq-len", 1, 100_000, o => o.SeqLen, (o, v) => o with { SeqLen = v },
            "sequence length T (adding), context length (text)"),
        Option.Integer<DataOptions>("held-out", 1, 10_000_000, o => o.HeldOut, (o, v) => o with { HeldOut = v },
            "number of held-out sequences the eval loss is measured on"),
    ];

    /// <summary>The checks a data section needs wherever it is used; <paramref name="origins"/> names the sources.</summary>
    public IEnumerable<string> Check(Provenance origins)
    {
        if (Task != TaskKind.Adding && Data is null)
            yield return $"--task {Name(Task)} needs --data FILE (the adding task is the only one that generates its data)";
        if (Task == TaskKind.Adding && Data is not null)
            yield return $"{origins["data"]}: the adding task generates its data; --data is for --task text or jsonl";
        if (Task == TaskKind.Adding && EvalData is not null)
            yield return $"{origins["eval-data"]}: the adding task generates its held-out set; --eval-data is for --task text or jsonl";
        if (Task != TaskKind.Jsonl && Classes != 0)
            yield return $"{origins["classes"]} = {Classes}: classes are only for --task jsonl (got --task {Name(Task)})";
    }

    private static string Name(TaskKind task) => task.ToString().ToLowerInvariant();
}
