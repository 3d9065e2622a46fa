namespace AttnRnnCluster.Hosting.Options;

/// <summary>A titled group of options, shown together in the help (data, model, optimization, ...).</summary>
public sealed record OptionSection(string Title, IReadOnlyList<LayeredOption> Options);
