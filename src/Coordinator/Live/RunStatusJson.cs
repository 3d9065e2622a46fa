using System.Text.Json;
using System.Text.Json.Serialization;

namespace AttnRnnCluster.Coordinator.Live;

/// <summary>
/// The JSON of <see cref="RunStatus"/>, source-generated: camelCase names, enums as their names, and a loss that is
/// not a number written as "NaN" or "Infinity" (the page skips what is not a finite number) instead of failing.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(RunStatus))]
public sealed partial class RunStatusJson : JsonSerializerContext;
