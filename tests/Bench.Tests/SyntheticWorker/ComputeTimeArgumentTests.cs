using AttnRnnCluster.SyntheticWorker;

namespace AttnRnnCluster.Bench.Tests.SyntheticWorker;

public sealed class ComputeTimeArgumentTests
{
    [Fact]
    public void The_compute_time_is_taken_out_and_the_rest_goes_to_the_worker_in_order()
    {
        var (time, rest, error) = ComputeTimeArgument.Split(["--seed-nodes", "akka.ssl.tcp://attnrnn@10.232.0.1:4053", "--compute-ms", "250", "--threads", "1"]);

        Assert.Null(error);
        Assert.Equal(TimeSpan.FromMilliseconds(250), time);
        Assert.Equal(["--seed-nodes", "akka.ssl.tcp://attnrnn@10.232.0.1:4053", "--threads", "1"], rest);
    }

    [Fact]
    public void Without_it_a_shard_sleeps_100_ms_and_the_equals_form_works_too()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), ComputeTimeArgument.Split(["--threads", "1"]).ComputeTime);
        Assert.Equal(TimeSpan.Zero, ComputeTimeArgument.Split(["--compute-ms=0"]).ComputeTime);
    }

    [Theory]
    [InlineData(new[] { "--compute-ms", "-1" }, "--compute-ms: expected an integer in 0..60000 (milliseconds of sleep per shard), got \"-1\"")]
    [InlineData(new[] { "--compute-ms", "60001" }, "--compute-ms: expected an integer in 0..60000 (milliseconds of sleep per shard), got \"60001\"")]
    [InlineData(new[] { "--compute-ms", "fast" }, "--compute-ms: expected an integer in 0..60000 (milliseconds of sleep per shard), got \"fast\"")]
    [InlineData(new[] { "--compute-ms" }, "--compute-ms: expected an integer in 0..60000 (milliseconds of sleep per shard), got \"nothing\"")]
    [InlineData(new[] { "--compute-ms", "1", "--compute-ms=2" }, "--compute-ms is given twice")]
    public void A_bad_compute_time_is_refused_saying_what_was_expected(string[] args, string message)
    {
        Assert.Equal(message, ComputeTimeArgument.Split(args).Error);
    }
}
