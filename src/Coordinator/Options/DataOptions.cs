using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Coordinator.Options;

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

    /// <summary>The checks a data section needs wherever it is used; <paramref name="origins"/> names the sources.</summary>
    public IEnumerable<string> Check(IOptionOrigins origins)
    {
        if (Task != TaskKind.Adding && Data is null)
            yield return $"--task {Name(Task)} needs --data FILE (the adding task is the only one that generates its data)";
        if (Task == TaskKind.Adding && Data is not null)
            yield return $"{origins["data"]}: the adding task generates its data; --data is for --task text or jsonl";
        if (Task == TaskKind.Adding && EvalData is not null)
            yield return $"{origins["eval-data"]}: the adding task generates its held-out set; --eval-data is for --task text or jsonl";
        if (Task != TaskKind.Jsonl && Classes != 0)
            yield return $"{origins["classes"]} = {Classes}: classes are only for --task jsonl (got --task {Name(Task)})";
        if (Task == TaskKind.Adding && SeqLen < AddingSource.MinimumSteps)
            yield return $"{origins["seq-len"]} = {SeqLen}: the adding task needs at least {AddingSource.MinimumSteps} steps (a marked number in each half)";
    }

    private static string Name(TaskKind task) => task.ToString().ToLowerInvariant();
}

/// <summary>The options that fill a <see cref="DataOptions"/>.</summary>
public sealed class DataOptionGroup
{
    private static readonly DataOptions Defaults = new();

    public LayeredOption<TaskKind> Task { get; } = new("task", ChoiceKind.Of<TaskKind>(), Defaults.Task,
        "adding: the adding problem; text: next character of --data; jsonl: a target per sequence of --data");

    public LayeredOption<string?> Data { get; } = new("data", OptionalKind.Path("FILE", PathRequirement.ExistingFile), Defaults.Data,
        "training data; required for text and jsonl");

    public LayeredOption<string?> EvalData { get; } = new("eval-data", OptionalKind.Path("FILE", PathRequirement.ExistingFile), Defaults.EvalData,
        "held-out data for text and jsonl")
    {
        DefaultNote = "the last part of --data",
    };

    public LayeredOption<int> Classes { get; } = new("classes", new IntegerKind(JsonlSource.MinimumClasses, 1_000_000) { Also = 0 }, Defaults.Classes,
        "jsonl only: number of classes; 0 = a real-valued target (regression)");

    // Text windows take one character at least; the adding task needs two (checked with the task).
    public LayeredOption<int> SeqLen { get; } = new("seq-len", new IntegerKind(TextSource.MinimumSteps, 100_000), Defaults.SeqLen,
        $"sequence length T (adding: at least {AddingSource.MinimumSteps}), context length (text)");

    public LayeredOption<int> HeldOut { get; } = new("held-out", new IntegerKind(1, 10_000_000), Defaults.HeldOut,
        "number of held-out sequences the eval loss is measured on (text: at most this many windows; jsonl without --eval-data: the last N records of --data, never trained on)");

    public IReadOnlyList<LayeredOption> All => [Task, Data, EvalData, Classes, SeqLen, HeldOut];

    public DataOptions Read(OptionValues values) => new()
    {
        Task = values.Get(Task),
        Data = values.Get(Data),
        EvalData = values.Get(EvalData),
        Classes = values.Get(Classes),
        SeqLen = values.Get(SeqLen),
        HeldOut = values.Get(HeldOut),
    };
}
