namespace AttnRnnCluster.Model.Training;

/// <summary>
/// An optimizer's resumable state: its kind, the steps taken, and its per-weight buffers (flat, in
/// <see cref="ParameterLayout"/> order) by name: Adam's "m" and "v", SGD's "momentum".
/// </summary>
public sealed record OptimizerState(OptimizerKind Kind, long Step, IReadOnlyDictionary<string, float[]> Buffers)
{
    /// <summary>The buffers an optimizer of <paramref name="kind"/> keeps.</summary>
    public static IReadOnlyList<string> BufferNames(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Adam => ["m", "v"],
        OptimizerKind.Sgd => ["momentum"],
        _ => throw new ArgumentException($"optimizer: unknown kind {kind} (expected Adam or Sgd)"),
    };

    /// <summary>Throws naming the first thing that does not match what an optimizer of <paramref name="kind"/> over <paramref name="size"/> weights needs.</summary>
    public void Check(OptimizerKind kind, int size)
    {
        var bufferNames = BufferNames(kind);
        if (Kind != kind) throw new ArgumentException($"optimizer state: it is for {Kind}, this optimizer is {kind}");
        if (Step < 0) throw new ArgumentException($"optimizer state: step must be at least 0 (got {Step})");
        var expected = string.Join(", ", bufferNames.Order());
        var actual = string.Join(", ", Buffers.Keys.Order());
        if (expected != actual) throw new ArgumentException($"optimizer state: {kind} needs buffers [{expected}], got [{actual}]");
        foreach (var (name, values) in Buffers)
            if (values.Length != size) throw new ArgumentException($"optimizer state: buffer {name} has {values.Length} values, the model has {size} weights");
    }
}
