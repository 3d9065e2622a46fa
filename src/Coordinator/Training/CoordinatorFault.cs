namespace AttnRnnCluster.Coordinator.Training;

/// <summary>
/// Fault injection for tests and drills (--inject-coordinator-fault): after reporting step 1, the coordinator actor
/// stops as if it had crashed, or blocks for good as if it were stuck, so that what the process does then can be seen.
/// </summary>
public enum CoordinatorFault
{
    None,
    Stop,
    Hang,
}
