using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Network;

/// <summary>
/// Whether a <see cref="Batch"/> fits a <see cref="ModelConfig"/>: the input kind and width, token ids at real
/// steps, the target kind and width, class and next-token ids. Throws <see cref="ArgumentException"/> saying
/// which sequence and step is wrong and what was expected, with the same words as <see cref="BatchTensors"/>.
/// </summary>
public static class BatchChecks
{
    public static void Validate(Batch batch, ModelConfig config)
    {
        ValidateInput(batch, config);
        ValidateTargets(batch, config);
    }

    private static void ValidateInput(Batch batch, ModelConfig config)
    {
        if (config.Input == InputKind.Dense)
        {
            if (batch.Features is null)
                throw new ArgumentException("batch: the model takes dense features but the batch has tokens");
            if (batch.Width != config.InputWidth)
                throw new ArgumentException($"batch: feature width {batch.Width} does not match the model's InputWidth {config.InputWidth}");
            return;
        }
        if (batch.Tokens is null)
            throw new ArgumentException("batch: the model takes tokens but the batch has dense features");
        for (int i = 0; i < batch.Count; i++)
        for (int s = 0; s < batch.Lengths[i]; s++)
        {
            long id = batch.Tokens[i * batch.Steps + s];
            if (id < 0 || id >= config.VocabSize)
                throw new ArgumentException($"batch: token id {id} at sequence {i}, step {s} is outside 0..{config.VocabSize - 1}");
        }
    }

    private static void ValidateTargets(Batch batch, ModelConfig config)
    {
        switch (config.Target)
        {
            case TargetKind.Regression:
                if (batch.RegressionTargets is null)
                    throw new ArgumentException("batch: the model is trained for regression but the batch has no regression targets");
                if (batch.OutputWidth != config.OutputWidth)
                    throw new ArgumentException($"batch: {batch.OutputWidth} regression targets per sequence, the model has OutputWidth {config.OutputWidth}");
                return;
            case TargetKind.Classification:
                if (batch.ClassTargets is null)
                    throw new ArgumentException("batch: the model is trained for classification but the batch has no class targets");
                for (int i = 0; i < batch.Count; i++)
                    CheckId(batch.ClassTargets[i], config.OutputWidth, "class index", $"sequence {i}");
                return;
            default:
                if (batch.TokenTargets is null)
                    throw new ArgumentException("batch: the model is trained for next-token prediction but the batch has no token targets");
                for (int i = 0; i < batch.Count; i++)
                for (int s = 0; s < batch.Lengths[i]; s++)
                    CheckId(batch.TokenTargets[i * batch.Steps + s], config.OutputWidth, "next-token target", $"sequence {i}, step {s}");
                return;
        }
    }

    private static void CheckId(long id, int count, string what, string where)
    {
        if (id < 0 || id >= count)
            throw new ArgumentException($"batch: {what} {id} at {where} is outside 0..{count - 1}");
    }
}
