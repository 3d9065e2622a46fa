namespace AttnRnnCluster.Cluster.Tests.TensorBoard;

/// <summary>A run folder's TensorBoard event files (events.out.tfevents.*, the run folder itself only), read back.</summary>
public static class EventFiles
{
    public static List<string> In(string folder) =>
        [.. Directory.GetFiles(folder, "events.out.tfevents.*", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal)];

    public static List<EventRecord> Read(string file) => [.. TfRecords.Read(File.ReadAllBytes(file)).Select(EventRecord.Decode)];

    /// <summary>Every scalar of the files, by tag, as (step, value) in file order (the files in name order, which is time order).</summary>
    public static Dictionary<string, List<(long Step, float Value)>> Scalars(IEnumerable<string> files)
    {
        var scalars = new Dictionary<string, List<(long, float)>>(StringComparer.Ordinal);
        foreach (var record in files.SelectMany(Read))
            foreach (var value in record.Values)
            {
                if (value.SimpleValue is not { } simple) continue;
                if (!scalars.TryGetValue(value.Tag, out var series)) scalars[value.Tag] = series = [];
                series.Add((record.Step, simple));
            }
        return scalars;
    }
}
