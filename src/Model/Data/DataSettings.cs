namespace AttnRnnCluster.Model.Data;

/// <summary>
/// What to train on. <see cref="Task"/> is "adding", "text" or "jsonl". <see cref="SequenceLength"/> is T for
/// adding and text (jsonl sequences keep their own lengths). <see cref="EvalFile"/> is a separate held-out file
/// for text and jsonl; without it text validates on the last 10% of <see cref="DataFile"/> and jsonl holds out
/// its last <see cref="HeldOutSize"/> sequences. <see cref="HeldOutSize"/> is the number of held-out sequences for
/// adding and jsonl (unless jsonl has an eval file, all of which is held out) and the most held-out windows for
/// text (0: no held-out set). <see cref="Classes"/> &gt; 0 makes jsonl a classification task.
/// </summary>
public sealed record DataSettings(
    string Task,
    string? DataFile = null,
    string? EvalFile = null,
    int Classes = 0,
    int SequenceLength = 100,
    ulong Seed = 0,
    int HeldOutSize = 1000);
