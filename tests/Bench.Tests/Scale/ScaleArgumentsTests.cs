using AttnRnnCluster.Benchmarks.Scale;

namespace AttnRnnCluster.Bench.Tests.Scale;

public sealed class ScaleArgumentsTests
{
    [Fact]
    public void No_options_give_the_whole_table_of_20_rows()
    {
        var (arguments, error) = ScaleArguments.Parse([]);

        Assert.Null(error);
        Assert.Equal([1, 2, 4, 8, 16], arguments!.Workers);
        Assert.Equal(["1M", "10M"], arguments.Sizes.Select(s => s.Text));
        Assert.Equal(["1gbit", "10gbit"], arguments.Links.Select(l => l.Text));
        Assert.Equal(20, arguments.Rows.Count());
    }

    [Fact]
    public void All_three_options_give_one_row()
    {
        var (arguments, error) = ScaleArguments.Parse(["--workers", "16", "--params", "10M", "--link", "1gbit"]);

        Assert.Null(error);
        var row = Assert.Single(arguments!.Rows);
        Assert.Equal(16, row.Workers);
        Assert.Equal(10_000_000, row.Size.Asked);
        Assert.Equal(1_000_000_000, row.Link.BitsPerSecond);
    }

    [Fact]
    public void Ours_runs_on_the_chain_unless_told_to_run_on_the_star()
    {
        Assert.Equal("chain", ScaleArguments.Parse([]).Arguments!.DataPlane);
        var (star, error) = ScaleArguments.Parse(["--data-plane", "star", "--workers", "4"]);

        Assert.Null(error);
        Assert.Equal("star", star!.DataPlane);
        Assert.Equal(4, star.Rows.Count());
    }

    [Fact]
    public void One_option_fixes_its_column_and_keeps_the_others_whole()
    {
        var (arguments, _) = ScaleArguments.Parse(["--link", "10gbit"]);

        Assert.Equal(10, arguments!.Rows.Count());
        Assert.All(arguments.Rows, row => Assert.Equal(10_000_000_000, row.Link.BitsPerSecond));
    }

    [Theory]
    [InlineData(new[] { "--workers", "17" }, "--workers: expected an integer in 1..16, got \"17\"")]
    [InlineData(new[] { "--workers", "0" }, "--workers: expected an integer in 1..16, got \"0\"")]
    [InlineData(new[] { "--workers", "-3" }, "--workers: expected an integer in 1..16, got \"-3\"")]
    [InlineData(new[] { "--workers", "many" }, "--workers: expected an integer in 1..16, got \"many\"")]
    [InlineData(new[] { "--params", "10" }, "--params: expected <n>M parameters with n in 1..20 (e.g. 1M, 10M), got \"10\"")]
    [InlineData(new[] { "--params", "21M" }, "--params: expected <n>M parameters with n in 1..20 (e.g. 1M, 10M), got \"21M\"")]
    [InlineData(new[] { "--params", "0M" }, "--params: expected <n>M parameters with n in 1..20 (e.g. 1M, 10M), got \"0M\"")]
    [InlineData(new[] { "--link", "fast" }, "--link: expected <n>mbit or <n>gbit (e.g. 1gbit, 10gbit), got \"fast\"")]
    [InlineData(new[] { "--link", "1Gbit" }, "--link: expected <n>mbit or <n>gbit (e.g. 1gbit, 10gbit), got \"1Gbit\"")]
    [InlineData(new[] { "--link", "5mbit" }, "--link: expected 10mbit..100gbit, got \"5mbit\"")]
    [InlineData(new[] { "--link", "101gbit" }, "--link: expected 10mbit..100gbit, got \"101gbit\"")]
    [InlineData(new[] { "--link", "999999999999gbit" }, "--link: expected 10mbit..100gbit, got \"999999999999gbit\"")]
    [InlineData(new[] { "--workers" }, "--workers needs a value")]
    [InlineData(new[] { "--workers", "2", "--workers", "4" }, "--workers is given twice")]
    [InlineData(new[] { "--nodes", "2" }, "unknown argument \"--nodes\" (expected --workers, --params, --link, --data-plane or --security)")]
    [InlineData(new[] { "16" }, "unknown argument \"16\" (expected --workers, --params, --link, --data-plane or --security)")]
    [InlineData(new[] { "--data-plane", "ring" }, "--data-plane: expected chain or star, got \"ring\"")]
    [InlineData(new[] { "--security", "off" }, "--security: expected tls or insecure, got \"off\"")]
    public void A_bad_option_is_refused_saying_what_was_expected(string[] args, string message)
    {
        var (arguments, error) = ScaleArguments.Parse(args);

        Assert.Null(arguments);
        Assert.Equal(message, error);
    }
}
