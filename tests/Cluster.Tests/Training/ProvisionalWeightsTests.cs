using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// The chain data plane at the loop: the new weights are drafted and sent down the chain segment by segment while the
/// sum comes in, and confirmed once it is whole and the step is neither clipped nor broken; else the step is applied
/// whole and its weights follow. Either way the master's weights and optimizer are the bits of the step applied whole.
/// Three workers, one shard each; the sum in segments of 50 values (129 parameters: 3 segments).
/// </summary>
public sealed class ProvisionalWeightsTests
{
    private const int Segment = 50;

    private static (LoopHarness Loop, WorkerId[] W) Started(bool provisional)
    {
        var loop = new LoopHarness(steps: 3, minWorkers: 3, plan => plan with { DataPlane = DataPlane.Chain, SegmentLength = Segment, ProvisionalWeights = provisional });
        var workers = new[] { "a", "b", "c" }.Select(name => loop.Join(name, window: 2)).ToArray();
        return (loop, workers);
    }

    /// <summary>Every shard of the step from <paramref name="version"/> answered with a digest, in shard order.</summary>
    private static void CompleteRound(LoopHarness loop, WorkerId[] workers, long version)
    {
        for (int answered = 0; answered < LoopHarness.ShardsPerStep;)
            foreach (var worker in workers)
                foreach (var assignment in loop.Pending(worker, version))
                {
                    loop.AnswerWithDigest(worker, assignment, new GradientDigest([.. BitConverter.GetBytes(answered + 1.0), .. new byte[8]], 1, true, 1));
                    answered++;
                }
    }

    /// <summary>The sum arrives: segment by segment (as the coordinator actor reports them), then whole.</summary>
    private static void RelaySum(LoopHarness loop, long version, float[] sum, bool inSegments)
    {
        int attempt = loop.Actions.OfType<PlanStep>().Last(p => p.Version == version).Attempt;
        if (inSegments)
            // Out of order: segments may come so (the coordinator drafts each where it belongs).
            foreach (int offset in new[] { Segment, 0, 2 * Segment })
                loop.Loop.Handle(new SumSegmentRelayed(version, attempt, offset, Math.Min(Segment, sum.Length - offset), sum));
        loop.Loop.Handle(new SumRelayed(version, attempt, sum));
    }

    private static float[] Sum(LoopHarness loop, float scale) =>
        Enumerable.Range(0, loop.Parameters).Select(i => scale * ((i % 7) - 3)).ToArray();

    private static void AssertSameState(LoopHarness expected, LoopHarness actual)
    {
        Assert.Equal(expected.Setup.Master.Version, actual.Setup.Master.Version);
        Assert.Equal(expected.Setup.Master.Weights, actual.Setup.Master.Weights);
        var (a, b) = (expected.Setup.Master.Optimizer.Export(), actual.Setup.Master.Optimizer.Export());
        Assert.Equal(a.Step, b.Step);
        foreach (var (name, values) in a.Buffers) Assert.Equal(values, b.Buffers[name]);
    }

    [Fact]
    public void The_weights_go_down_the_chain_as_the_sum_comes_and_are_confirmed_with_the_bits_of_the_step_applied_whole()
    {
        var (drafting, w) = Started(provisional: true);
        var (whole, v) = Started(provisional: false);
        var sum = Sum(drafting, 0.01f); // a small gradient: no clipping

        CompleteRound(drafting, w, 0);
        CompleteRound(whole, v, 0);
        var chain = drafting.Actions.OfType<PlanStep>().Last().WeightsChain!;
        RelaySum(drafting, 0, sum, inSegments: true);
        RelaySum(whole, 0, sum, inSegments: false);

        AssertSameState(whole, drafting);
        var streamed = drafting.Actions.OfType<StreamWeights>().ToList();
        Assert.Equal([Segment, 0, 2 * Segment], streamed.Select(s => s.Offset));
        Assert.All(streamed, s => Assert.Equal((chain[0], 1L, 0), (s.First, s.Version, s.Attempt)));
        foreach (var s in streamed)
            Assert.Equal(drafting.Setup.Master.Weights.AsSpan(s.Offset, s.Values.Length).ToArray(), s.Values.ToArray());
        var confirm = Assert.Single(drafting.Actions.OfType<ConfirmWeights>());
        Assert.Equal((1L, 0), (confirm.Version, confirm.Attempt));
        Assert.Equal(chain, confirm.Chain);
        Assert.Null(confirm.Message); // every worker is in the chain: no copy of the weights is made
        Assert.Empty(drafting.Actions.OfType<RelayWeights>());
        Assert.Single(whole.Actions.OfType<RelayWeights>());
        Assert.Empty(whole.Actions.OfType<StreamWeights>());
        Assert.True(drafting.Actions.OfType<ReportStep>().Single().Report.WeightsDrafted);
        Assert.False(whole.Actions.OfType<ReportStep>().Single().Report.WeightsDrafted);
    }

    [Fact]
    public void A_sum_that_needs_clipping_drops_the_draft_applies_the_step_whole_and_the_next_step_is_not_drafted()
    {
        var (drafting, w) = Started(provisional: true);
        var (whole, v) = Started(provisional: false);
        var large = Sum(drafting, 100f); // its norm is far above --clip 1

        CompleteRound(drafting, w, 0);
        CompleteRound(whole, v, 0);
        RelaySum(drafting, 0, large, inSegments: true);
        RelaySum(whole, 0, large, inSegments: false);

        AssertSameState(whole, drafting);
        Assert.Equal(3, drafting.Actions.OfType<StreamWeights>().Count()); // drafted while it came, then dropped
        Assert.Empty(drafting.Actions.OfType<ConfirmWeights>());
        var applied = Assert.Single(drafting.Actions.OfType<RelayWeights>()); // the applied weights replace the drafted ones
        Assert.Equal(1, applied.Message.Version);
        Assert.False(drafting.Actions.OfType<ReportStep>().Single().Report.WeightsDrafted);

        // That step was clipped, so the next one likely is: it is not drafted, and is applied whole.
        CompleteRound(drafting, w, 1);
        CompleteRound(whole, v, 1);
        var small = Sum(drafting, 0.01f);
        RelaySum(drafting, 1, small, inSegments: true);
        RelaySum(whole, 1, small, inSegments: false);
        AssertSameState(whole, drafting);
        Assert.Equal(3, drafting.Actions.OfType<StreamWeights>().Count());
        Assert.Equal(2, drafting.Actions.OfType<RelayWeights>().Count());

        // Not clipped: the step after it is drafted again.
        CompleteRound(drafting, w, 2);
        CompleteRound(whole, v, 2);
        RelaySum(drafting, 2, small, inSegments: true);
        RelaySum(whole, 2, small, inSegments: false);
        AssertSameState(whole, drafting);
        Assert.Equal(6, drafting.Actions.OfType<StreamWeights>().Count());
        Assert.Single(drafting.Actions.OfType<ConfirmWeights>());
    }

    [Fact]
    public void A_sum_that_is_not_finite_is_never_confirmed_and_the_run_fails_as_before()
    {
        var (drafting, w) = Started(provisional: true);
        var sum = Sum(drafting, 0.01f);
        sum[2 * Segment + 3] = float.NaN;

        CompleteRound(drafting, w, 0);
        RelaySum(drafting, 0, sum, inSegments: true);

        Assert.Empty(drafting.Actions.OfType<ConfirmWeights>());
        Assert.Equal(0, drafting.Setup.Master.Version);
        var finish = Assert.Single(drafting.Actions.OfType<Finish>());
        Assert.Contains("not finite", finish.Summary.Reason);
    }

    [Fact]
    public void Segments_of_an_attempt_made_void_are_not_drafted_and_a_sum_drafted_only_in_part_is_applied_whole()
    {
        var (drafting, w) = Started(provisional: true);
        var (whole, v) = Started(provisional: false);
        var sum = Sum(drafting, 0.01f);
        CompleteRound(drafting, w, 0);
        CompleteRound(whole, v, 0);

        drafting.Loop.Handle(new SumSegmentRelayed(0, Attempt: 5, 0, Segment, sum)); // no such attempt
        Assert.Empty(drafting.Actions.OfType<StreamWeights>());

        // One segment drafted, then the sum whole (the others lost to a restart of the actor's count, say): not confirmed.
        drafting.Loop.Handle(new SumSegmentRelayed(0, 0, 0, Segment, sum));
        drafting.Loop.Handle(new SumRelayed(0, 0, sum));
        RelaySum(whole, 0, sum, inSegments: false);
        AssertSameState(whole, drafting);
        Assert.Empty(drafting.Actions.OfType<ConfirmWeights>());
        Assert.Single(drafting.Actions.OfType<RelayWeights>());
    }
}
