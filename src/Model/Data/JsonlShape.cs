namespace AttnRnnCluster.Model.Data;

/// <summary>
/// What every line of a jsonl data set must agree on: the feature width D, and for regression whether y is a
/// number (<see cref="TargetArrayLength"/> null) or an array of that many numbers. <see cref="Origin"/> names
/// the line that set it, for error messages.
/// </summary>
internal sealed record JsonlShape(int Width, int? TargetArrayLength, string Origin)
{
    /// <summary>O for regression: 1 for a number, else the array's length.</summary>
    public int RegressionOutputs => TargetArrayLength ?? 1;

    public string DescribeTarget() => TargetArrayLength is { } n ? $"an array of {n} numbers" : "a number";
}
