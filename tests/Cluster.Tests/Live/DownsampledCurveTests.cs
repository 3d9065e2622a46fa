using AttnRnnCluster.Coordinator.Live;

namespace AttnRnnCluster.Cluster.Tests.Live;

public sealed class DownsampledCurveTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(7)]
    [InlineData(RunBoard.CurveCapacity)]
    public void However_many_points_are_added_at_most_the_capacity_are_kept_evenly_spread_from_the_first_and_the_newest_is_last(int capacity)
    {
        var curve = new DownsampledCurve(capacity);

        for (long n = 0; n < 100_000; n++)
        {
            curve.Add(new CurvePoint(n, n * 0.5));
            if (n % 997 != 0 && n != 99_999) continue;
            var points = curve.Points();
            Assert.True(points.Length <= capacity + 1, $"{points.Length} points after {n + 1}");
            Assert.Equal(0, points[0].Step);
            Assert.Equal(new CurvePoint(n, n * 0.5), points[^1]);
            // All but the newest are the added points numbered 0, s, 2s, … with s the current stride.
            var kept = n % curve.Stride == 0 ? points : points[..^1];
            Assert.Equal(Enumerable.Range(0, kept.Length).Select(i => i * curve.Stride), kept.Select(p => p.Step));
        }
        Assert.True(curve.Points().Length > capacity / 2, "the curve keeps at least half its capacity once full");
    }

    [Fact]
    public void Until_it_is_full_every_point_is_kept()
    {
        var curve = new DownsampledCurve(5);

        for (int n = 0; n < 5; n++) curve.Add(new CurvePoint(n, -n));

        Assert.Equal([0, 1, 2, 3, 4], curve.Points().Select(p => p.Step));
        Assert.Equal(1, curve.Stride);
    }
}
