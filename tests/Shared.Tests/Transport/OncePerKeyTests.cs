using AttnRnnCluster.Transport;
using Microsoft.Extensions.Time.Testing;

namespace AttnRnnCluster.Shared.Tests.Transport;

/// <summary>The limiter behind every "once per peer and minute" line, on a fake clock.</summary>
public sealed class OncePerKeyTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void One_line_per_key_and_minute_passes_and_the_next_says_how_many_were_left_out()
    {
        var limit = new OncePerKey(OncePerKey.Minute, _clock);

        var first = limit.TryPass("10.0.0.9", out var none);
        var held = Enumerable.Range(1, 999).Count(_ =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(50));
            return limit.TryPass("10.0.0.9", out int _);
        });
        var other = limit.TryPass("10.0.0.8", out _);
        _clock.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromMilliseconds(999 * 50));
        var next = limit.TryPass("10.0.0.9", out var suppressed);

        Assert.True(first);
        Assert.Equal(0, none);
        Assert.Equal(0, held);
        Assert.True(other);
        Assert.True(next);
        Assert.Equal(999, suppressed);
    }

    [Fact]
    public void A_key_is_held_back_until_its_minute_is_up_exactly()
    {
        var limit = new OncePerKey(OncePerKey.Minute, _clock);

        Assert.True(limit.TryPass("a", out _));
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(limit.TryPass("a", out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limit.TryPass("a", out int later));
        Assert.Equal(1, later);
    }

    [Fact]
    public void A_flood_from_many_keys_holds_a_bounded_number_of_them()
    {
        var limit = new OncePerKey(OncePerKey.Minute, _clock);

        var passed = Enumerable.Range(0, 100_000).Count(i => limit.TryPass($"key-{i}", out _));
        _clock.Advance(OncePerKey.Minute);
        var afterAMinute = limit.TryPass("late", out _);

        Assert.InRange(passed, 1024, OncePerKey.MaxKeys);
        Assert.True(afterAMinute);
    }
}
