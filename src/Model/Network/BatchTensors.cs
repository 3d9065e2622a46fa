using AttnRnnCluster.Model.Data;
using static TorchSharp.torch;

namespace AttnRnnCluster.Model.Network;

/// <summary>
/// A <see cref="Batch"/> checked against a <see cref="ModelConfig"/> and turned into the tensors the network
/// and the losses read. Built once per call, disposed with it.
/// </summary>
public sealed class BatchTensors : IDisposable
{
    private BatchTensors(Batch batch, Tensor input, Tensor realSteps, Tensor lossPositions, Tensor targets)
    {
        Batch = batch;
        Input = input;
        RealSteps = realSteps;
        LossPositions = lossPositions;
        Targets = targets;
    }

    public Batch Batch { get; }
    /// <summary>Dense features [B, T, D] in the model's dtype, or token ids [B, T] (int64; padding set to 0).</summary>
    public Tensor Input { get; }
    /// <summary>[B, T] booleans: true at real steps, false at padding.</summary>
    public Tensor RealSteps { get; }
    /// <summary>Rows of the flattened outputs [B*T, O] that enter the loss: each sequence's last real step, or every real step for next-token targets.</summary>
    public Tensor LossPositions { get; }
    /// <summary>One target row per loss position: [N, O] floats for regression, [N] class or token ids otherwise.</summary>
    public Tensor Targets { get; }

    public static BatchTensors From(Batch batch, ModelConfig config, ScalarType dtype)
    {
        int b = batch.Count, t = batch.Steps;
        var realSteps = new bool[b * t];
        for (int i = 0; i < b; i++)
            Array.Fill(realSteps, true, i * t, batch.Lengths[i]);
        var lossPositions = config.Target == TargetKind.NextToken
            ? Enumerable.Range(0, b).SelectMany(i => Enumerable.Range(i * t, batch.Lengths[i])).Select(p => (long)p).ToArray()
            : Enumerable.Range(0, b).Select(i => (long)(i * t + batch.Lengths[i] - 1)).ToArray();
        return new BatchTensors(batch,
            InputTensor(batch, config, dtype),
            tensor(realSteps, [b, t]),
            tensor(lossPositions),
            TargetTensor(batch, config, lossPositions, dtype));
    }

    public void Dispose()
    {
        Input.Dispose();
        RealSteps.Dispose();
        LossPositions.Dispose();
        Targets.Dispose();
    }

    private static Tensor InputTensor(Batch batch, ModelConfig config, ScalarType dtype)
    {
        if (config.Input == InputKind.Dense)
        {
            if (batch.Features is null)
                throw new ArgumentException("batch: the model takes dense features but the batch has tokens");
            if (batch.Width != config.InputWidth)
                throw new ArgumentException($"batch: feature width {batch.Width} does not match the model's InputWidth {config.InputWidth}");
            return tensor(batch.Features, [batch.Count, batch.Steps, batch.Width]).to(dtype);
        }
        if (batch.Tokens is null)
            throw new ArgumentException("batch: the model takes tokens but the batch has dense features");
        var ids = new long[batch.Tokens.Length];
        for (int i = 0; i < batch.Count; i++)
        for (int s = 0; s < batch.Lengths[i]; s++)
        {
            long id = batch.Tokens[i * batch.Steps + s];
            if (id < 0 || id >= config.VocabSize)
                throw new ArgumentException($"batch: token id {id} at sequence {i}, step {s} is outside 0..{config.VocabSize - 1}");
            ids[i * batch.Steps + s] = id;
        }
        return tensor(ids, [batch.Count, batch.Steps]);
    }

    private static Tensor TargetTensor(Batch batch, ModelConfig config, long[] lossPositions, ScalarType dtype)
    {
        switch (config.Target)
        {
            case TargetKind.Regression:
                if (batch.RegressionTargets is null)
                    throw new ArgumentException("batch: the model is trained for regression but the batch has no regression targets");
                if (batch.OutputWidth != config.OutputWidth)
                    throw new ArgumentException($"batch: {batch.OutputWidth} regression targets per sequence, the model has OutputWidth {config.OutputWidth}");
                return tensor(batch.RegressionTargets, [batch.Count, batch.OutputWidth]).to(dtype);
            case TargetKind.Classification:
                if (batch.ClassTargets is null)
                    throw new ArgumentException("batch: the model is trained for classification but the batch has no class targets");
                return tensor(CheckedIds(batch.ClassTargets, config.OutputWidth, "class index", i => $"sequence {i}"));
            default:
                if (batch.TokenTargets is null)
                    throw new ArgumentException("batch: the model is trained for next-token prediction but the batch has no token targets");
                var targets = lossPositions.Select(p => batch.TokenTargets[p]).ToArray();
                return tensor(CheckedIds(targets, config.OutputWidth, "next-token target",
                    i => $"sequence {lossPositions[i] / batch.Steps}, step {lossPositions[i] % batch.Steps}"));
        }
    }

    private static long[] CheckedIds(long[] ids, int count, string what, Func<int, string> where)
    {
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] < 0 || ids[i] >= count)
                throw new ArgumentException($"batch: {what} {ids[i]} at {where(i)} is outside 0..{count - 1}");
        return ids;
    }
}
