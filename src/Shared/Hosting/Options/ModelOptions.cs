namespace AttnRnnCluster.Hosting.Options;

/// <summary>The architecture's free choices; the input and output widths follow from the task and data.</summary>
public sealed record ModelOptions
{
    /// <summary>Hidden width H.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Token embedding width D (token input only).</summary>
    public int Embed { get; init; } = 32;

    /// <summary>The attention fused into the recurrence; off gives the plain Elman RNN.</summary>
    public bool Attention { get; init; } = true;

    public static readonly IReadOnlyList<Option<ModelOptions>> Table =
    [
        Option.Integer<ModelOptions>("hidden", 1, 65_536, o => o.Hidden, (o, v) => o with { Hidden = v }, "hidden width H"),
        Option.Integer<ModelOptions>("embed", 1, 65_536, o => o.Embed, (o, v) => o with { Embed = v },
            "token embedding width D (text, token jsonl; adding feeds its 2 features directly)"),
        Option.Switch<ModelOptions>("attention", o => o.Attention, (o, v) => o with { Attention = v },
            "attention over the RNN's own past; off = the plain Elman RNN"),
    ];
}
