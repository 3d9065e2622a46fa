using Akka.Actor;
using Akka.Dispatch;

namespace AttnRnnCluster.Transport;

/// <summary>
/// Lets a lane's reading thread run the recipient of the message it just read, instead of waking another thread to
/// do it, for recipients on a <see cref="LaneInlineDispatcher"/>. On a machine whose cores all compute, each thread
/// hand-off on the step's critical path (result in, weights out) waits for a core; this takes one out on each side.
/// </summary>
internal static class LaneDelivery
{
    /// <summary>Set on a lane's reading thread while it tells a message, until a mailbox starts running on it.</summary>
    [ThreadStatic]
    private static Action? _beforeRunningHere;

    [ThreadStatic]
    private static bool _ranHere;

    /// <summary>Whether the last <see cref="Deliver"/> on this thread ran its recipient here (also when that threw).</summary>
    public static bool RanHere => _ranHere;

    /// <summary>
    /// Tells <paramref name="recipient"/> the message. An actor on a <see cref="LaneInlineDispatcher"/> may process it
    /// on this thread: then <paramref name="beforeRunningHere"/> is called first, and the result is true once it is done.
    /// </summary>
    public static bool Deliver(IActorRef recipient, object message, IActorRef? sender, Action beforeRunningHere)
    {
        _beforeRunningHere = beforeRunningHere;
        _ranHere = false;
        try
        {
            recipient.Tell(message, sender);
            return _ranHere;
        }
        finally
        {
            _beforeRunningHere = null;
        }
    }

    /// <summary>
    /// Runs <paramref name="mailbox"/> here if this thread is a lane delivering a message; false otherwise. Only once
    /// per delivery: what the actor sends while it runs, and the mailbox rescheduling itself, go to their executors,
    /// so one actor never runs nested inside another on this thread.
    /// </summary>
    public static bool TryRunHere(IRunnable mailbox)
    {
        var before = _beforeRunningHere;
        if (before == null)
            return false;
        _beforeRunningHere = null;
        _ranHere = true;
        before();
        mailbox.Run();
        return true;
    }
}
