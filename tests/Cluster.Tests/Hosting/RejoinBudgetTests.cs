using AttnRnnCluster.Worker.Hosting;

namespace AttnRnnCluster.Cluster.Tests.Hosting;

public sealed class RejoinBudgetTests
{
    private static readonly DateTime Start = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_worker_downed_after_hours_as_a_member_may_join_again()
    {
        var budget = new RejoinBudget(Timeout, Start);

        Assert.True(budget.MayRejoinAfter(wasMember: true, Start.AddHours(3)));
    }

    [Fact]
    public void Memberships_that_never_came_up_may_retry_until_the_timeout_after_the_last_real_membership()
    {
        var budget = new RejoinBudget(Timeout, Start);
        var downed = Start.AddHours(3);
        Assert.True(budget.MayRejoinAfter(wasMember: true, downed));

        Assert.True(budget.MayRejoinAfter(wasMember: false, downed.AddSeconds(19)));
        Assert.False(budget.MayRejoinAfter(wasMember: false, downed.AddSeconds(21)));
    }

    [Fact]
    public void A_worker_that_never_became_a_member_stops_retrying_after_the_timeout_from_its_start()
    {
        var budget = new RejoinBudget(Timeout, Start);

        Assert.True(budget.MayRejoinAfter(wasMember: false, Start.AddSeconds(5)));
        Assert.False(budget.MayRejoinAfter(wasMember: false, Start.AddSeconds(25)));
    }
}
