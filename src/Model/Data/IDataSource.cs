namespace AttnRnnCluster.Model.Data;

/// <summary>
/// Where training and evaluation batches come from. A training batch depends only on the source's seed, the
/// step and the batch size, so any process can rebuild the batch of any step, in any order, from any thread.
/// </summary>
public interface IDataSource
{
    /// <summary>The task: "adding", "text" or "jsonl".</summary>
    string Name { get; }

    InputKind Input { get; }

    /// <summary>D for dense input; 0 for token input (the model picks its embedding width).</summary>
    int InputWidth { get; }

    TargetKind Target { get; }

    /// <summary>The model's O: regression outputs, class count, or vocabulary size for text.</summary>
    int OutputWidth { get; }

    /// <summary>The characters of a text source (stored in checkpoints); null for the other tasks.</summary>
    CharVocabulary? Vocabulary { get; }

    /// <summary>The global batch of training step <paramref name="step"/> (0-based).</summary>
    Batch TrainBatch(long step, int batchSize);

    /// <summary>A fixed evaluation set, the same every time; null when there is none.</summary>
    Batch? HeldOut { get; }

    /// <summary>One line for logs: the task, its files and sizes.</summary>
    string Description { get; }
}
