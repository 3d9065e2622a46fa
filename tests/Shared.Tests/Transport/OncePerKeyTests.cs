using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class OncePerKeyTests
{
    [Fact]
    public void One_line_per_key_and_minute_passes_and_the_next_says_how_many_were_left_out()
    {
        var limit = new OncePerKey(OncePerKey.Minute);

        var first = limit.TryPass("10.0.0.9", 0, out var none);
        var held = Enumerable.Range(1, 999).Count(i => limit.TryPass("10.0.0.9", i * 50, out _));
        var other = limit.TryPass("10.0.0.8", 1_000, out _);
        var next = limit.TryPass("10.0.0.9", 60_000, out var suppressed);

        Assert.True(first);
        Assert.Equal(0, none);
        Assert.Equal(0, held);
        Assert.True(other);
        Assert.True(next);
        Assert.Equal(999, suppressed);
    }

    [Fact]
    public void A_flood_from_many_keys_holds_a_bounded_number_of_them()
    {
        var limit = new OncePerKey(OncePerKey.Minute);

        var passed = Enumerable.Range(0, 100_000).Count(i => limit.TryPass($"key-{i}", 0, out _));
        var afterAMinute = limit.TryPass("late", 60_000, out _);

        Assert.InRange(passed, 1024, 4096);
        Assert.True(afterAMinute);
    }
}
