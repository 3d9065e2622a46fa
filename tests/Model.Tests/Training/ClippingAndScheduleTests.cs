using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Training;

public sealed class ClippingAndScheduleTests
{
    [Fact]
    public void Clipping_scales_to_the_maximum_norm_and_returns_the_norm_before()
    {
        float[] gradient = [3f, 4f];
        Assert.Equal(5, GradientClipping.ClipByGlobalNorm(gradient, 1.0), 1e-9);
        Assert.Equal(0.6, gradient[0], 1e-6);
        Assert.Equal(0.8, gradient[1], 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(10.0)]
    public void Clipping_leaves_the_gradient_alone_when_off_or_below_the_maximum(double maxNorm)
    {
        float[] gradient = [3f, 4f];
        Assert.Equal(5, GradientClipping.ClipByGlobalNorm(gradient, maxNorm), 1e-9);
        Assert.Equal([3f, 4f], gradient);
    }

    [Fact]
    public void Warmup_rises_linearly_then_cosine_decays_to_the_floor()
    {
        var schedule = LearningRateSchedule.WarmupCosine(peak: 1.0, warmupSteps: 4, totalSteps: 14, floor: 0.1);
        Assert.Equal([0.25, 0.5, 0.75, 1.0], Enumerable.Range(0, 4).Select(s => schedule.At(s)));
        Assert.Equal(1.0, schedule.At(4), 1e-12);
        Assert.Equal(0.55, schedule.At(9), 1e-12);
        Assert.Equal(0.1, schedule.At(14), 1e-12);
        Assert.Equal(0.1, schedule.At(1000), 1e-12);
        Assert.True(schedule.At(10) < schedule.At(9));
    }

    [Fact]
    public void A_constant_schedule_is_constant()
    {
        var schedule = LearningRateSchedule.Constant(2e-3);
        Assert.Equal(2e-3, schedule.At(0));
        Assert.Equal(2e-3, schedule.At(123456));
    }

    [Theory]
    [InlineData(0.0, 0L, 0L, 0.0, "the rate must be positive")]
    [InlineData(1.0, 10L, 10L, 0.0, "cosine decay needs total steps (10) above the warmup steps (10)")]
    [InlineData(1.0, 0L, 10L, 2.0, "the floor must be in [0, 1]")]
    public void A_bad_schedule_says_which_setting_is_wrong(double peak, long warmup, long total, double floor, string message)
    {
        var schedule = LearningRateSchedule.WarmupCosine(peak, warmup, total, floor);
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => schedule.At(0)).Message);
    }
}
