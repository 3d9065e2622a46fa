using System.Globalization;

namespace AttnRnnCluster.Benchmarks.Scale;

/// <summary>
/// One measured row: N workers (DDP: N ranks), a model size, a link rate; ours is today's star data plane (every
/// weight and gradient through the coordinator's link), DDP gloo's ring; seconds per step, the median after warm-up.
/// A side that could not run is null.
/// </summary>
public sealed record ScaleRow(int Workers, ModelSize Size, LinkRate Link, double? OursSecondsPerStep, double? DdpSecondsPerStep)
{
    /// <summary>The row's line, e.g. "scale N=16 P=10M 1gbit: ours 9.87 s/step, ddp 0.65 s/step" (issue 19's exact form).</summary>
    public string Line() => $"scale N={Workers} P={Size.Text} {Link.Text}: ours {Seconds(OursSecondsPerStep)}, ddp {Seconds(DdpSecondsPerStep)}";

    /// <summary>The whole machine's busy CPU per measured step, core-seconds (<see cref="CpuWindow"/>); null when not read.</summary>
    public double? OursCpuPerStep { get; init; }

    public double? DdpCpuPerStep { get; init; }

    /// <summary>Ours / DDP: above 1, the star is that many times slower.</summary>
    public double? Ratio => OursSecondsPerStep / DdpSecondsPerStep;

    private static string Seconds(double? value) =>
        value is { } seconds ? seconds.ToString("F2", CultureInfo.InvariantCulture) + " s/step" : "n/a";
}
