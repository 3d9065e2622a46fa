using AttnRnnCluster.Coordinator.Run;

namespace AttnRnnCluster.Cluster.Tests.TensorBoard;

/// <summary>Worker names come over the network: their TensorBoard series names are safe, distinct and bounded in number.</summary>
public sealed class WorkerSeriesNamesTests
{
    [Theory]
    [InlineData("local-1", "local-1")]
    [InlineData("gpu box/7", "gpu_box_7")]
    [InlineData("../../etc", ".._.._etc")]
    [InlineData("wörker\n", "w_rker_")]
    [InlineData("", "worker")]
    public void A_name_keeps_letters_digits_dots_dashes_and_underscores(string name, string series)
    {
        Assert.Equal(series, new WorkerSeriesNames(4).For(name, "here"));
    }

    [Fact]
    public void A_long_name_is_cut()
    {
        Assert.Equal(new string('a', WorkerSeriesNames.MaxLength), new WorkerSeriesNames(4).For(new string('a', 10_000), "here"));
    }

    [Fact]
    public void Workers_with_the_same_name_elsewhere_get_series_of_their_own_and_keep_them()
    {
        var names = new WorkerSeriesNames(4);

        Assert.Equal("w", names.For("w", "a:1"));
        Assert.Equal("w-2", names.For("w", "b:1"));
        Assert.Equal("w_", names.For("w_", "c:1"));
        Assert.Equal("w_-2", names.For("w?", "d:1")); // sanitized into a name already taken
        Assert.Equal("w", names.For("w", "a:1"));
        Assert.Equal("w-2", names.For("w", "b:1"));
    }

    [Fact]
    public void Past_the_bound_new_workers_get_no_series_and_are_counted()
    {
        var names = new WorkerSeriesNames(2);
        names.For("a", "1");
        names.For("b", "2");

        Assert.Null(names.For("c", "3"));
        Assert.Null(names.For("d", "4"));
        Assert.Equal("a", names.For("a", "1"));
        Assert.Equal(2, names.Refused);
    }
}
