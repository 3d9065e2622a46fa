namespace AttnRnnCluster.Model;

/// <summary>How a sequence's steps are given to the model.</summary>
public enum InputKind
{
    /// <summary>Dense features x of shape [B, T, D].</summary>
    Dense,
    /// <summary>Token ids of shape [B, T], embedded as x_t = E[token_t] (E: [V, D]).</summary>
    Tokens,
}

/// <summary>What the model is trained to predict (spec: "Losses and reduction").</summary>
public enum TargetKind
{
    /// <summary>Squared error on the last real step's outputs, summed over outputs, per sequence.</summary>
    Regression,
    /// <summary>Cross-entropy of the last real step's outputs against a class index, per sequence.</summary>
    Classification,
    /// <summary>Cross-entropy of y_t against token t+1 at every real step, per position.</summary>
    NextToken,
}

/// <summary>
/// The architecture, as stored in a checkpoint's metadata (JSON). D is the input width (the embedding
/// width for token input), H the hidden width, O the output width, V the vocabulary size (0 for dense input).
/// </summary>
public sealed record ModelConfig(
    InputKind Input,
    int InputWidth,
    int Hidden,
    int OutputWidth,
    bool Attention,
    TargetKind Target,
    int VocabSize = 0);
