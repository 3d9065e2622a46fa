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
    int VocabSize = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is out of range.</summary>
    public void Validate()
    {
        Require(InputWidth >= 1, $"InputWidth must be at least 1 (got {InputWidth})");
        Require(Hidden >= 1, $"Hidden must be at least 1 (got {Hidden})");
        Require(OutputWidth >= 1, $"OutputWidth must be at least 1 (got {OutputWidth})");
        Require(Enum.IsDefined(Input), $"Input must be Dense or Tokens (got {Input})");
        Require(Enum.IsDefined(Target), $"Target must be Regression, Classification or NextToken (got {Target})");
        if (Input == InputKind.Tokens)
            Require(VocabSize >= 1, $"VocabSize must be at least 1 for token input (got {VocabSize})");
        else
            Require(VocabSize == 0, $"VocabSize must be 0 for dense input (got {VocabSize})");
        if (Target == TargetKind.NextToken)
        {
            Require(Input == InputKind.Tokens, "Target NextToken needs Input Tokens");
            Require(OutputWidth == VocabSize, $"Target NextToken needs OutputWidth equal to VocabSize (got {OutputWidth} and {VocabSize})");
        }
        if (Target == TargetKind.Classification)
            Require(OutputWidth >= 2, $"Target Classification needs OutputWidth (the number of classes) of at least 2 (got {OutputWidth})");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ArgumentException($"model config: {message}");
    }
}
