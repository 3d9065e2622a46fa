namespace AttnRnnCluster.Worker.Hosting;

/// <summary>
/// How long a worker whose actor system ended (it was downed: the coordinator became unreachable, or a partition
/// cut it off) may keep joining again: --coordinator-timeout from the end of its last membership in which it was a
/// cluster member. A worker that trained for hours and was then downed gets the whole timeout, not none of it;
/// memberships that end before they were Up count against the same bound, so the loop always ends.
/// </summary>
public sealed class RejoinBudget(TimeSpan coordinatorTimeout, DateTime startedUtc)
{
    private DateTime deadline = startedUtc + coordinatorTimeout;

    /// <summary>Records that a membership ended at <paramref name="nowUtc"/>; true if the worker may join again.</summary>
    public bool MayRejoinAfter(bool wasMember, DateTime nowUtc)
    {
        if (wasMember) deadline = nowUtc + coordinatorTimeout;
        return nowUtc <= deadline;
    }
}
