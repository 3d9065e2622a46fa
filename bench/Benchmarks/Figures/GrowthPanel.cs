namespace AttnRnnCluster.Benchmarks.Figures;

/// <summary>Step time against one setting, the others fixed: ours, and the peer's where it was measured.</summary>
public sealed record GrowthPanel(string Setting, string Fixed, IReadOnlyList<GrowthPoint> Points);

public sealed record GrowthPoint(int Value, double OursMs, double? PeerMs);
