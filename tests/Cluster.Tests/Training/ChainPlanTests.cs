using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Protocol.Messages;

namespace AttnRnnCluster.Cluster.Tests.Training;

/// <summary>
/// The chain data plane's plan at the loop: the sum starts before the round is complete (each hop planned once the
/// shards up to it are in and the worker after it is known), and a plan whose hops a taken-back result changes is
/// replaced by a new attempt. Five workers, one shard each (window 1, in blocks): a [0], b [1], c [2], d [3], e [4].
/// </summary>
public sealed class ChainPlanTests
{
    private static (LoopHarness Loop, WorkerId[] W) Started()
    {
        var loop = new LoopHarness(steps: 2, minWorkers: 5, plan => plan with { DataPlane = DataPlane.Chain });
        var workers = new[] { "a", "b", "c", "d", "e" }.Select(name => loop.Join(name, window: 1)).ToArray();
        return (loop, workers);
    }

    /// <summary>The worker answers its one assignment of step 1, <paramref name="shard"/>, with a digest (its gradient stays with it).</summary>
    private static void Answer(LoopHarness loop, WorkerId worker, int shard, double norm = 1)
    {
        var assignment = Assert.Single(loop.Pending(worker, version: 0));
        Assert.Equal(shard, assignment.ShardIndex);
        loop.AnswerWithDigest(worker, assignment, new GradientDigest([.. BitConverter.GetBytes(norm), .. new byte[8]], norm, true, 1));
    }

    private static List<PlanStep> Plans(LoopHarness loop) => loop.Actions.OfType<PlanStep>().ToList();

    private static List<string> Infos(LoopHarness loop) => loop.Notes(Serilog.Events.LogEventLevel.Information);

    [Fact]
    public void Each_hop_is_planned_once_the_shards_up_to_it_are_in_and_the_last_once_the_round_is_complete()
    {
        var (loop, w) = Started();

        Answer(loop, w[0], 0);
        Answer(loop, w[2], 2);
        Assert.Empty(Plans(loop)); // shard 1 is out: nothing after shard 0 is known, so shard 0's hop is not settled

        Answer(loop, w[1], 1);
        var first = Assert.Single(Plans(loop));
        Assert.Equal((0, 0, w[2]), (first.Attempt, first.FirstNew, first.Next));
        Assert.Equal([w[0], w[1]], first.Hops.Select(h => h.Worker));
        Assert.Null(first.WeightsChain);

        Answer(loop, w[3], 3);
        var second = Plans(loop)[1];
        Assert.Equal((0, 2, w[3]), (second.Attempt, second.FirstNew, second.Next));
        Assert.Null(second.WeightsChain);

        Answer(loop, w[4], 4);
        var last = Plans(loop)[2];
        Assert.Equal((0, 3, (WorkerId?)null), (last.Attempt, last.FirstNew, last.Next));
        Assert.Equal(w, last.Hops.Select(h => h.Worker));
        Assert.Equal(w, last.WeightsChain!);

        loop.Loop.Handle(new SumRelayed(0, 0, new float[loop.Parameters]));
        Assert.Contains(loop.Actions.OfType<ReportStep>(), r => r.Report.Step == 1);
    }

    [Fact]
    public void The_worker_the_planned_sum_goes_to_lost_makes_the_attempt_void_and_the_next_plan_starts_from_hop_0()
    {
        var (loop, w) = Started();
        Answer(loop, w[0], 0);
        Answer(loop, w[1], 1);
        Assert.Equal(w[1], Assert.Single(Plans(loop)).Next);

        loop.Loop.Handle(new WorkerLost(w[1], "left the cluster"));
        Assert.Contains(Infos(loop), n => n.Contains("sum starts again"));

        // b's shard 1 goes to a (free, and first): a's run is now shards 0 and 1, planned again in attempt 1.
        Answer(loop, w[0], 1);
        Answer(loop, w[2], 2);
        var replanned = Plans(loop)[1];
        Assert.Equal((1, 0, w[2]), (replanned.Attempt, replanned.FirstNew, replanned.Next));
        Assert.Equal([[0, 1]], replanned.Hops.Select(h => h.Shards));
        Answer(loop, w[3], 3);
        Answer(loop, w[4], 4);
        Assert.All(Plans(loop).Skip(1), p => Assert.Equal(1, p.Attempt));
        Assert.Equal([w[0], w[2], w[3], w[4]], Plans(loop)[^1].WeightsChain!);
    }

    [Fact]
    public void A_worker_whose_results_the_planned_hops_do_not_hold_is_lost_without_voiding_the_plan()
    {
        var (loop, w) = Started();
        Answer(loop, w[3], 3);
        Answer(loop, w[0], 0);
        Answer(loop, w[1], 1);
        Assert.Single(Plans(loop));

        loop.Loop.Handle(new WorkerLost(w[3], "left the cluster"));

        Assert.DoesNotContain(Infos(loop), n => n.Contains("sum starts again"));
        Answer(loop, w[2], 2);
        Answer(loop, w[0], 3); // d's shard, computed again by the first free worker
        Answer(loop, w[4], 4);
        Assert.Equal(4, Plans(loop).Count); // hop by hop: a, b, c, then d's shard (by a) and e's

        Assert.All(Plans(loop), p => Assert.Equal(0, p.Attempt));
        Assert.Equal([w[0], w[1], w[2], w[0], w[4]], Plans(loop)[^1].Hops.Select(h => h.Worker));
    }

    [Fact]
    public void A_result_taken_back_as_absurd_at_the_round_s_end_voids_the_plan_made_before()
    {
        var (loop, w) = Started();
        Answer(loop, w[0], 0, norm: 1e9); // absurd against the others' 1: found once all are in
        Answer(loop, w[1], 1);
        Answer(loop, w[2], 2);
        Answer(loop, w[3], 3);
        Assert.Equal(3, Plans(loop).Count); // hops a, b and c planned, each as the shard after it came

        Answer(loop, w[4], 4);

        Assert.Equal(3, Plans(loop).Count); // no completing plan: shard 0 is computed again first, by another worker
        var recomputing = w.Skip(1).Single(worker => loop.Pending(worker, version: 0).Count > 0);
        Answer(loop, recomputing, 0);
        var last = Plans(loop)[^1];
        Assert.Equal((1, 0), (last.Attempt, last.FirstNew));
        Assert.Equal(recomputing, last.Hops[0].Worker);
        Assert.NotNull(last.WeightsChain);
    }
}
