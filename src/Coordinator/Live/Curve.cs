namespace AttnRnnCluster.Coordinator.Live;

/// <summary>A curve as the page gets it: two arrays of the same length, compact in JSON.</summary>
public sealed record Curve(long[] Steps, double[] Values)
{
    public static Curve Of(IReadOnlyList<CurvePoint> points) => new([.. points.Select(p => p.Step)], [.. points.Select(p => p.Value)]);
}
