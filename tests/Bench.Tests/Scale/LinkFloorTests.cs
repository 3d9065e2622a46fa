using AttnRnnCluster.Benchmarks.Scale;

namespace AttnRnnCluster.Bench.Tests.Scale;

public sealed class LinkFloorTests
{
    [Fact]
    public void The_star_moves_16_gradients_through_the_coordinators_link_whatever_the_workers()
    {
        // Issue 19's arithmetic: 16 x 40 MB at 1 Gbit/s.
        Assert.Equal(5.12, LinkFloor.StarSeconds(16, 10_000_000, LinkRate.OneGbit), 6);
        Assert.Equal(5.12, LinkFloor.StarSeconds(1, 10_000_000, LinkRate.OneGbit), 6);
        Assert.Equal(0.512, LinkFloor.StarSeconds(4, 10_000_000, LinkRate.TenGbit), 6);
    }

    [Fact]
    public void A_ring_moves_two_times_n_minus_1_over_n_of_the_model_per_link_and_nothing_alone()
    {
        Assert.Equal(0.6, LinkFloor.RingSeconds(16, 10_000_000, LinkRate.OneGbit), 6);
        Assert.Equal(0.32, LinkFloor.RingSeconds(2, 10_000_000, LinkRate.OneGbit), 6);
        Assert.Equal(0, LinkFloor.RingSeconds(1, 10_000_000, LinkRate.OneGbit));
    }

    [Theory]
    [InlineData(1, 1.6)]
    [InlineData(4, 0.4)]
    [InlineData(16, 0.1)]
    [InlineData(3, 0.6)]
    public void The_busiest_worker_computes_its_share_of_16_shards_one_after_the_other(int workers, double seconds)
    {
        Assert.Equal(seconds, LinkFloor.ComputeSeconds(workers, TimeSpan.FromMilliseconds(100)), 6);
    }

    [Fact]
    public void A_star_step_overlaps_compute_with_sending_and_a_ring_step_adds_them()
    {
        var perShard = TimeSpan.FromMilliseconds(100);

        Assert.Equal(5.12, LinkFloor.StarStepSeconds(1, 10_000_000, LinkRate.OneGbit, perShard), 6);
        Assert.Equal(1.6, LinkFloor.StarStepSeconds(1, 1_000_000, LinkRate.TenGbit, perShard), 6);
        Assert.Equal(0.7, LinkFloor.RingStepSeconds(16, 10_000_000, LinkRate.OneGbit, perShard), 6);
        // The chain: a model down and a model up every link, after the busiest worker's compute.
        Assert.Equal(0.74, LinkFloor.ChainStepSeconds(16, 10_000_000, LinkRate.OneGbit, perShard), 6);
        Assert.Equal(2.24, LinkFloor.ChainStepSeconds(1, 10_000_000, LinkRate.OneGbit, perShard), 6);
    }

    [Fact]
    public void Slow_rows_measure_few_steps_and_fast_rows_more_within_bounds()
    {
        var perShard = TimeSpan.FromMilliseconds(100);
        var slow = StepPlan.For(16, 10_000_000, LinkRate.OneGbit, perShard, "star");
        var fast = StepPlan.For(16, 1_000_000, LinkRate.TenGbit, perShard, "star");

        Assert.Equal(StepPlan.MinMeasured, slow.Measured);
        Assert.Equal(StepPlan.MaxMeasured, fast.Measured);
        Assert.Equal(StepPlan.DefaultWarmUp + StepPlan.MinMeasured, slow.Steps);
    }

    [Fact]
    public void A_chain_row_measures_about_twenty_seconds_of_the_chains_floor_not_the_stars()
    {
        // 16 workers, 10M, 1 Gbit/s: the chain's floor is 0.74 s a step (the star's 5.12 s), so 28 measured steps.
        var chain = StepPlan.For(16, 10_000_000, LinkRate.OneGbit, TimeSpan.FromMilliseconds(100), "chain");

        Assert.Equal(28, chain.Measured);
    }
}
