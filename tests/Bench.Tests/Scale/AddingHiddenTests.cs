using AttnRnnCluster.Benchmarks.Figures;
using AttnRnnCluster.Benchmarks.Scale;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Bench.Tests.Scale;

public sealed class AddingHiddenTests
{
    [Theory]
    [InlineData(1_000_000, 996, 999_985)]
    [InlineData(10_000_000, 3158, 9_998_229)]
    public void The_rows_sizes_get_the_hidden_width_whose_exact_count_is_closest(int asked, int hidden, int parameters)
    {
        var chosen = AddingHidden.Closest(asked);

        Assert.Equal((hidden, parameters), chosen);
        Assert.Equal(parameters, ParameterLayout.For(AddingModel.Config(hidden)).TotalSize);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(1_000_000)]
    [InlineData(2_500_000)]
    [InlineData(10_000_000)]
    [InlineData(20_000_000)]
    public void No_neighbouring_width_comes_closer(int asked)
    {
        var (hidden, parameters) = AddingHidden.Closest(asked);

        long distance = Math.Abs((long)parameters - asked);
        Assert.True(Math.Abs((long)AddingHidden.Count(hidden + 1) - asked) >= distance);
        if (hidden > 1) Assert.True(Math.Abs((long)AddingHidden.Count(hidden - 1) - asked) > distance);
    }

    [Fact]
    public void A_count_out_of_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AddingHidden.Closest(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AddingHidden.Closest(int.MaxValue));
    }
}
