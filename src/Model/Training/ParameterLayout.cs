namespace AttnRnnCluster.Model.Training;

/// <summary>One parameter tensor: its checkpoint key (spec), shape, and where it sits in the flat vector.</summary>
public sealed record ParameterSpec(string Name, int[] Shape, int Offset)
{
    public int Size => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// The canonical order of a model's parameters, and their packing into one flat float32 vector. Weights,
/// gradients and optimizer moments all travel and are summed in this layout, so it must depend on the
/// config alone: embedding.weight (token input), cell.w_xh, cell.w_hh, cell.b_h, attention.w_a,
/// attention.w_v (attention on), head.weight, head.bias.
/// </summary>
public sealed class ParameterLayout
{
    private ParameterLayout(IReadOnlyList<ParameterSpec> parameters)
    {
        Parameters = parameters;
        TotalSize = parameters.Count == 0 ? 0 : parameters[^1].Offset + parameters[^1].Size;
    }

    public IReadOnlyList<ParameterSpec> Parameters { get; }
    public int TotalSize { get; }

    public ParameterSpec this[string name] =>
        Parameters.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"no parameter named {name}");

    /// <summary>Every name a model can have, in layout order; a config's layout is the subset it needs.</summary>
    public static IReadOnlyList<string> AllNames { get; } =
        ["embedding.weight", "cell.w_xh", "cell.w_hh", "cell.b_h", "attention.w_a", "attention.w_v", "head.weight", "head.bias"];

    public static ParameterLayout For(ModelConfig config)
    {
        int d = config.InputWidth, h = config.Hidden, o = config.OutputWidth;
        var shapes = new List<(string, int[])>();
        if (config.Input == InputKind.Tokens) shapes.Add(("embedding.weight", [config.VocabSize, d]));
        shapes.Add(("cell.w_xh", [h, d]));
        shapes.Add(("cell.w_hh", [h, h]));
        shapes.Add(("cell.b_h", [h]));
        if (config.Attention)
        {
            shapes.Add(("attention.w_a", [d, h]));
            shapes.Add(("attention.w_v", [h, d]));
        }
        shapes.Add(("head.weight", [o, h]));
        shapes.Add(("head.bias", [o]));
        var specs = new List<ParameterSpec>();
        int offset = 0;
        foreach (var (name, shape) in shapes)
        {
            var spec = new ParameterSpec(name, shape, offset);
            specs.Add(spec);
            offset += spec.Size;
        }
        return new ParameterLayout(specs);
    }
}
