using AttnRnnCluster.Hosting.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AttnRnnCluster.Cluster.Tests.Guards;

/// <summary>The limiter behind every "once per peer and minute" line, on a fake clock.</summary>
public sealed class LogOncePerPeriodTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_peer_is_logged_once_per_period_with_the_count_left_out_since()
    {
        var limit = new LogOncePerPeriod(LogOncePerPeriod.Minute, _clock);

        Assert.True(limit.ShouldLog("a", out int first));
        Assert.False(limit.ShouldLog("a", out _));
        Assert.False(limit.ShouldLog("a", out _));
        Assert.True(limit.ShouldLog("b", out _));
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(limit.ShouldLog("a", out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limit.ShouldLog("a", out int later));

        Assert.Equal(0, first);
        Assert.Equal(3, later);
    }

    [Fact]
    public void A_flood_of_new_peers_is_remembered_only_up_to_the_bound()
    {
        var limit = new LogOncePerPeriod(LogOncePerPeriod.Minute, _clock);
        Assert.True(limit.ShouldLog("first", out _));
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        for (int i = 0; i < LogOncePerPeriod.MaxPeers; i++)
        {
            Assert.True(limit.ShouldLog($"peer-{i}", out _));
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        // The oldest was forgotten to make room, so it is logged again (and makes room in turn); the newest is still remembered.
        Assert.True(limit.ShouldLog("first", out _));
        Assert.False(limit.ShouldLog($"peer-{LogOncePerPeriod.MaxPeers - 1}", out _));
        Assert.True(limit.ShouldLog("peer-0", out _));
    }
}
