using AttnRnnCluster.Benchmarks.Scale;

namespace AttnRnnCluster.Bench.Tests.Scale;

public sealed class ScaleRowTests
{
    [Fact]
    public void A_row_line_has_issue_19s_exact_form_with_two_decimals()
    {
        var row = new ScaleRow(16, ModelSize.TenM, LinkRate.OneGbit, 9.8749, 0.6451);

        Assert.Equal("scale N=16 P=10M 1gbit: ours 9.87 s/step, ddp 0.65 s/step", row.Line());
    }

    [Fact]
    public void A_side_that_did_not_run_is_na_and_has_no_ratio()
    {
        var row = new ScaleRow(2, ModelSize.OneM, LinkRate.TenGbit, 0.5, null);

        Assert.Equal("scale N=2 P=1M 10gbit: ours 0.50 s/step, ddp n/a", row.Line());
        Assert.Null(row.Ratio);
    }

    [Fact]
    public void The_table_shows_the_ratio_and_the_link_floors_of_each_row()
    {
        var row = new ScaleRow(16, ModelSize.TenM, LinkRate.OneGbit, 10.24, 0.64);

        var lines = ScaleTable.Lines([row], TimeSpan.FromMilliseconds(100), "star");

        Assert.Equal(2, lines.Count);
        Assert.Contains("ours, star", lines[0]);
        Assert.Contains("16.00x", lines[1]);
        // The star: 16 gradients of 9,998,229 floats through 1 Gbit/s (5.12 s), the 0.1 s of compute overlapping them;
        // the ring: 0.1 s of compute, then 2 x 15/16 of the model each way (0.60 s).
        Assert.EndsWith("5.12 / 0.70 | - / -", lines[1]); // no CPU read
    }

    [Fact]
    public void A_chain_table_names_the_chain_and_shows_its_floor()
    {
        var row = new ScaleRow(16, ModelSize.TenM, LinkRate.OneGbit, 2.36, 1.19) { OursCpuPerStep = 3.456, DdpCpuPerStep = 2.1 };

        var lines = ScaleTable.Lines([row], TimeSpan.FromMilliseconds(100), "chain");

        Assert.Contains("ours, chain", lines[0]);
        Assert.Contains("floor: chain / ring", lines[0]);
        // The chain: 0.1 s of compute, then the model down and the sum up every link (2 x 0.32 s).
        Assert.EndsWith("0.74 / 0.70 | 3.46 / 2.10", lines[1]);
        Assert.EndsWith("CPU per step: ours / DDP (core-s)", lines[0]);
    }
}
