using System.Globalization;
using System.Reflection;
using Akka.Actor;

namespace AttnRnnCluster.Shared.Tests.Protocol;

/// <summary>
/// A canonical text of a message's every public property, recursively, with floats as their bit patterns: two
/// messages describe alike exactly when every field survived bit for bit (records compare arrays by reference).
/// </summary>
public static class WireDescription
{
    public static string Of(object? value) => value switch
    {
        null => "null",
        float f => $"f{BitConverter.SingleToUInt32Bits(f):x8}",
        double d => $"d{BitConverter.DoubleToUInt64Bits(d):x16}",
        string s => $"\"{s}\"",
        Enum e => e.ToString(),
        IConvertible c => c.ToString(CultureInfo.InvariantCulture),
        IActorRef actor => $"@{actor.Path.ToStringWithoutAddress()}",
        ReadOnlyMemory<byte> bytes => $"0x{Convert.ToHexString(bytes.Span)}",
        Array array => $"[{string.Join(",", array.Cast<object?>().Select(Of))}]",
        _ => $"{value.GetType().Name}{{{string.Join(";", Properties(value))}}}",
    };

    private static IEnumerable<string> Properties(object value) =>
        value.GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => $"{p.Name}={Of(p.GetValue(value))}");
}
