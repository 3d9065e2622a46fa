using AttnRnnCluster.Benchmarks.Scale;

namespace AttnRnnCluster.Bench.Tests.Scale;

public sealed class CpuWindowTests
{
    [Fact]
    public void The_peer_s_line_gives_the_window_and_per_step_figures()
    {
        var window = CpuWindow.FromPeerLine("ddp_scale_peer world=16 ...: median 1.1400 s/step over 28 steps\ncpu user 30.80 kernel 25.20 wall 32.000 s over 28 steps\n");

        Assert.NotNull(window);
        Assert.Equal(new CpuWindow(30.80, 25.20, 32.0, 28), window);
        Assert.Equal(2.0, window.PerStep, 9);
        Assert.Equal(56.0 / (32.0 * Environment.ProcessorCount), window.BusyShare, 9);
        Assert.StartsWith("CPU 2.00 core-s/step (user 1.10, kernel 0.90)", window.Describe());
    }

    [Fact]
    public void A_peer_output_without_the_line_has_no_window()
    {
        Assert.Null(CpuWindow.FromPeerLine("ddp_scale_peer world=2: median 0.8 s/step over 10 steps\n"));
    }

    [Fact]
    public void Busy_time_is_user_and_nice_and_system_irq_softirq_not_idle_iowait_or_steal()
    {
        var at = new DateTime(2026, 12, 8, 1, 0, 0, DateTimeKind.Utc);
        // user 1000, nice 200, system 300, idle 9000, iowait 50, irq 7, softirq 93, steal 400, guest 0, guest_nice 0
        var reading = CpuWindow.Parse("cpu  1000 200 300 9000 50 7 93 400 0 0", at);

        Assert.Equal(new CpuWindow.Reading(12.0, 4.0, at), reading);
    }

    [Fact]
    public void The_machine_s_busy_time_only_grows()
    {
        var before = CpuWindow.Read();
        // Some work of this thread, so that the machine is busy for at least a few ticks.
        double x = 0;
        for (int i = 0; i < 50_000_000; i++) x += Math.Sqrt(i);
        var after = CpuWindow.Read();

        Assert.True(x > 0);
        var window = CpuWindow.Between(before, after, steps: 1);
        Assert.True(window.UserSeconds >= 0 && window.KernelSeconds >= 0);
        Assert.True(window.UserSeconds + window.KernelSeconds > 0);
        Assert.True(window.WallSeconds > 0);
    }
}
