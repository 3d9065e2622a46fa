namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>
/// Step time against one setting, the others fixed: ours, and the peer's where it was measured. Each of
/// <see cref="ReferencePowers"/> draws the growth ∝ value^power from our first point (2: quadratic, -1: ideal scaling).
/// </summary>
public sealed record GrowthPanel(string Setting, string Fixed, IReadOnlyList<GrowthPoint> Points, IReadOnlyList<int> ReferencePowers);

public sealed record GrowthPoint(int Value, double OursMs, double? PeerMs);
