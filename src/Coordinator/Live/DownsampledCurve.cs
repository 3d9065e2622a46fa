namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// A curve that fits in bounded memory however long the run: it keeps every <c>stride</c>-th point added, and when
/// <see cref="Capacity"/> points are kept it drops every other one and doubles the stride. The kept points stay evenly
/// spread over the whole run; the newest point is always known, kept or not, so a chart ends where the run is.
/// </summary>
public sealed class DownsampledCurve
{
    private readonly List<CurvePoint> _kept;
    private long _added;
    private long _stride = 1;
    private CurvePoint? _latest;

    public DownsampledCurve(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        Capacity = capacity;
        _kept = new List<CurvePoint>(capacity);
    }

    public int Capacity { get; }

    /// <summary>Every how many added points one is kept: 1 until the curve first fills, then 2, 4, …</summary>
    public long Stride => _stride;

    public void Add(CurvePoint point)
    {
        if (_added++ % _stride == 0)
        {
            if (_kept.Count == Capacity)
            {
                // The kept points are the added ones numbered 0, s, 2s, …: every other one is a multiple of 2s.
                int halved = (_kept.Count + 1) / 2;
                for (int i = 1; i < halved; i++) _kept[i] = _kept[2 * i];
                _kept.RemoveRange(halved, _kept.Count - halved);
                _stride *= 2;
                if ((_added - 1) % _stride == 0) _kept.Add(point);
            }
            else
            {
                _kept.Add(point);
            }
        }
        _latest = point;
    }

    /// <summary>The kept points, and the newest one after them if it was not kept: at most <see cref="Capacity"/> + 1.</summary>
    public CurvePoint[] Points()
    {
        if (_latest is not { } latest || (_kept.Count > 0 && _kept[^1] == latest)) return [.. _kept];
        return [.. _kept, latest];
    }
}
