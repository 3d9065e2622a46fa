using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttnRnnCluster.Model;

/// <summary>The one JSON form of <see cref="ModelConfig"/>: in checkpoint metadata and in the worker handshake.</summary>
public static class ModelConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Write(ModelConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>Parses and checks a config; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ModelConfig Read(string json)
    {
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"model config JSON is malformed: {e.Message}", e);
        }
        if (config == null) throw new FormatException("model config JSON is null");
        string? problem = Validate(config);
        if (problem != null) throw new FormatException($"model config is invalid: {problem}");
        return config;
    }

    public static string? Validate(ModelConfig c)
    {
        if (c.InputWidth < 1) return $"input_width must be ≥ 1, got {c.InputWidth}";
        if (c.Hidden < 1) return $"hidden must be ≥ 1, got {c.Hidden}";
        if (c.OutputWidth < 1) return $"output_width must be ≥ 1, got {c.OutputWidth}";
        if (c.Input == InputKind.Tokens && c.VocabSize < 1) return $"vocab_size must be ≥ 1 for token input, got {c.VocabSize}";
        if (c.Input == InputKind.Dense && c.VocabSize != 0) return $"vocab_size must be 0 for dense input, got {c.VocabSize}";
        return null;
    }
}
