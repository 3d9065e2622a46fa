using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>The architecture's free choices; the input and output widths follow from the task and data.</summary>
public sealed record ModelOptions
{
    /// <summary>Hidden width H.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Token embedding width D (token input only).</summary>
    public int Embed { get; init; } = 32;

    /// <summary>The attention fused into the recurrence; off gives the plain Elman RNN.</summary>
    public bool Attention { get; init; } = true;
}

/// <summary>The options that fill a <see cref="ModelOptions"/>.</summary>
public sealed class ModelOptionGroup
{
    private static readonly ModelOptions Defaults = new();

    public LayeredOption<int> Hidden { get; } = new("hidden", new IntegerKind(1, 65_536), Defaults.Hidden, "hidden width H");

    public LayeredOption<int> Embed { get; } = new("embed", new IntegerKind(1, 65_536), Defaults.Embed,
        "token embedding width D (text, token jsonl; adding feeds its 2 features directly)");

    public LayeredOption<bool> Attention { get; } = new("attention", ChoiceKind.OnOff, Defaults.Attention,
        "attention over the RNN's own past; off = the plain Elman RNN");

    public IReadOnlyList<LayeredOption> All => [Hidden, Embed, Attention];

    public ModelOptions Read(OptionValues values) => new()
    {
        Hidden = values.Get(Hidden),
        Embed = values.Get(Embed),
        Attention = values.Get(Attention),
    };
}
