namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// One command of an executable (train, eval, sample; the worker's only one): its options, grouped as the help
/// shows them, and how their values become the options record <typeparamref name="T"/>.
/// </summary>
/// <param name="Read">Builds the record from the layered values (see <see cref="OptionValues.Get{T}"/>).</param>
public sealed record OptionsCommand<T>(string Name, string Usage, string Summary, IReadOnlyList<OptionSection> Sections, Func<OptionValues, T> Read)
    where T : ICheckedOptions
{
    public IEnumerable<LayeredOption> Options => Sections.SelectMany(s => s.Options);
}
