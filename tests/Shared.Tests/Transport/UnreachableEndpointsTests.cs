using AttnRnnCluster.Transport;

namespace AttnRnnCluster.Shared.Tests.Transport;

public sealed class UnreachableEndpointsTests
{
    [Fact]
    public void An_endpoint_that_failed_is_unreachable_for_the_memory_and_then_tried_again()
    {
        var endpoints = new UnreachableEndpoints(TimeSpan.FromSeconds(60));
        endpoints.Remember("10.0.0.7:40123", nowMilliseconds: 5_000);

        Assert.True(endpoints.IsUnreachable("10.0.0.7:40123", 64_999, out var failedAt));
        Assert.Equal(5_000, failedAt);
        Assert.False(endpoints.IsUnreachable("10.0.0.7:40124", 6_000, out _));
        Assert.False(endpoints.IsUnreachable("10.0.0.7:40123", 65_000, out _));
        Assert.False(endpoints.IsUnreachable("10.0.0.7:40123", 65_001, out _));
    }

    [Fact]
    public void A_new_failure_starts_the_memory_again()
    {
        var endpoints = new UnreachableEndpoints(TimeSpan.FromSeconds(60));
        endpoints.Remember("node:1", nowMilliseconds: 0);
        endpoints.Remember("node:1", nowMilliseconds: 50_000);

        Assert.True(endpoints.IsUnreachable("node:1", 100_000, out var failedAt));
        Assert.Equal(50_000, failedAt);
    }
}
