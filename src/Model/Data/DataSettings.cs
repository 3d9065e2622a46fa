namespace AttnRnnCluster.Model.Data;

/// <summary>
/// What to train on. <see cref="Task"/> is "adding", "text" or "jsonl". <see cref="SequenceLength"/> is T for
/// adding and text (jsonl sequences keep their own lengths). <see cref="HeldOutSize"/> is the number of
/// held-out sequences for adding and the most held-out windows for text (0: no held-out set); jsonl's held-out
/// set is the whole <see cref="EvalFile"/>. <see cref="Classes"/> &gt; 0 makes jsonl a classification task.
/// </summary>
public sealed record DataSettings(
    string Task,
    string? DataFile = null,
    string? EvalFile = null,
    int Classes = 0,
    int SequenceLength = 100,
    ulong Seed = 0,
    int HeldOutSize = 1000);
