using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttnRnnCluster.Model;

/// <summary>
/// <see cref="ModelConfig"/> as JSON with snake_case names and enum values, the form a checkpoint's metadata
/// holds so a Python user can read it: {"input":"dense","input_width":2,"hidden":64,"output_width":1,
/// "attention":true,"target":"regression","vocab_size":0}.
/// </summary>
public static class ModelConfigJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Serialize(ModelConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>Parses and validates; throws <see cref="ArgumentException"/> saying which field is missing, unknown or out of range.</summary>
    public static ModelConfig Deserialize(string json)
    {
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"model config: {e.Message}", e);
        }
        if (config is null) throw new ArgumentException("model config: the JSON is null");
        config.Validate();
        return config;
    }
}
