using System.Collections.Concurrent;

namespace AttnRnnCluster.Protocol.Wire;

/// <summary>
/// The float arrays of the chain's segments (a 512 KiB array for each segment a relay receives, adds to and passes on,
/// 80 a step for a 10M model), used again instead of new. New ones each time kept the heap growing into fresh pages,
/// which the kernel zeroes on first touch: in a profile of 16 relays on two cores, page faults were a tenth of all the
/// CPU, and none were left once lane frames (<c>LaneWire.Frame</c>) and these arrays were used again. An array is
/// given back only by code that knows nothing refers to it any more: the relay once the segment's frame is on its lane
/// (<c>PayloadTransport.TellWritten</c>), the coordinator once it has copied a segment into its sum. A few arrays per
/// length are kept, of a few lengths (a model's segments have two: the segment's and the last one's), so the pool holds
/// a few MiB whatever comes.
/// </summary>
public static class SegmentArrays
{
    private const int KeptPerLength = 16, KeptLengths = 4;

    private static readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> Kept = new();

    /// <summary>An array of exactly <paramref name="length"/> values, whatever they are.</summary>
    public static float[] Rent(int length) =>
        Kept.TryGetValue(length, out var arrays) && arrays.TryTake(out var values) ? values : GC.AllocateUninitializedArray<float>(length);

    /// <summary>Gives <paramref name="values"/> back for another segment; the caller must not touch it after.</summary>
    public static void Return(float[] values)
    {
        if (!Kept.TryGetValue(values.Length, out var arrays))
        {
            if (Kept.Count >= KeptLengths) return;
            arrays = Kept.GetOrAdd(values.Length, static _ => []);
        }
        if (arrays.Count < KeptPerLength) arrays.Add(values);
    }
}
