using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttnRnnCluster.Model;

/// <summary>
/// The one JSON form of <see cref="ModelConfig"/>, in checkpoint metadata and in the worker handshake:
/// snake_case names and enum values, so a Python user can read it:
/// {"input":"dense","input_width":2,"hidden":64,"output_width":1,"attention":true,"target":"regression","vocab_size":0}.
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

    public static string Write(ModelConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>Parses and validates; throws <see cref="FormatException"/> saying which field is missing, unknown or out of range.</summary>
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
        if (config is null) throw new FormatException("model config JSON is null");
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
        return config;
    }
}
