namespace AttnRnnCluster.Coordinator.Options;

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
