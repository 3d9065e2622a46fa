using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AttnRnnCluster.Model.Data;

/// <summary>
/// The characters (Unicode scalar values) of a text, sorted by code point: token id i is the i-th character.
/// Stored in checkpoints as a JSON array of one-character strings (<see cref="ToJson"/>), which Python reads
/// back with <c>json.loads</c>.
/// </summary>
public sealed class CharVocabulary
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly int[] _codePoints;
    private readonly Dictionary<int, int> _ids;

    private CharVocabulary(int[] sortedDistinctCodePoints)
    {
        _codePoints = sortedDistinctCodePoints;
        _ids = new Dictionary<int, int>(_codePoints.Length);
        for (int id = 0; id < _codePoints.Length; id++) _ids[_codePoints[id]] = id;
    }

    /// <summary>The distinct code points of a text, sorted.</summary>
    public static CharVocabulary FromCodePoints(ReadOnlySpan<int> codePoints)
    {
        var distinct = new HashSet<int>();
        foreach (int codePoint in codePoints) distinct.Add(codePoint);
        int[] sorted = [.. distinct];
        Array.Sort(sorted);
        if (sorted.Length == 0) throw new ArgumentException("a vocabulary needs at least one character", nameof(codePoints));
        return new CharVocabulary(sorted);
    }

    /// <summary>The distinct characters of a string, sorted by code point.</summary>
    public static CharVocabulary FromText(string text)
    {
        var codePoints = new List<int>(text.Length);
        foreach (Rune rune in text.EnumerateRunes()) codePoints.Add(rune.Value);
        return FromCodePoints(codePoints.ToArray());
    }

    /// <summary>Reads <see cref="ToJson"/>'s form; <paramref name="source"/> names where it came from (a checkpoint) in errors.</summary>
    public static CharVocabulary FromJson(string json, string source)
    {
        string[]? characters;
        try
        {
            characters = JsonSerializer.Deserialize<string[]>(json);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source, null, $"the vocabulary is not a JSON array of strings: {e.Message}", e);
        }
        if (characters is null || characters.Length == 0)
            throw new DataFormatException(source, null, "the vocabulary is empty; expected a JSON array of one-character strings");
        var codePoints = new int[characters.Length];
        for (int i = 0; i < characters.Length; i++)
        {
            string character = characters[i] ?? "";
            if (Rune.DecodeFromUtf16(character, out Rune rune, out int used) != System.Buffers.OperationStatus.Done || used != character.Length)
                throw new DataFormatException(source, null, $"vocabulary entry {i} is \"{character}\"; expected exactly one character");
            codePoints[i] = rune.Value;
            if (i > 0 && codePoints[i] <= codePoints[i - 1])
                throw new DataFormatException(source, null, $"vocabulary entry {i} (U+{codePoints[i]:X4}) is not after entry {i - 1} (U+{codePoints[i - 1]:X4}); expected distinct characters sorted by code point");
        }
        return new CharVocabulary(codePoints);
    }

    /// <summary>V: the number of characters (token ids are 0..V-1).</summary>
    public int Count => _codePoints.Length;

    /// <summary>The code point of token <paramref name="id"/>.</summary>
    public int CodePoint(int id) => _codePoints[id];

    /// <summary>The token id of a code point, if the vocabulary has it.</summary>
    public bool TryGetId(int codePoint, out int id) => _ids.TryGetValue(codePoint, out id);

    /// <summary>Token ids of a text (a prompt); fails on a character outside the vocabulary.</summary>
    public long[] Encode(string text)
    {
        var ids = new List<long>(text.Length);
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (!_ids.TryGetValue(rune.Value, out int id))
                throw new ArgumentException($"the character '{rune}' (U+{rune.Value:X4}) is not in the vocabulary of {Count} characters", nameof(text));
            ids.Add(id);
        }
        return ids.ToArray();
    }

    /// <summary>The text of token ids (sampled output).</summary>
    public string Decode(ReadOnlySpan<long> ids)
    {
        var text = new StringBuilder(ids.Length);
        foreach (long id in ids)
        {
            if (id < 0 || id >= Count) throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside 0..{Count - 1}");
            text.Append(char.ConvertFromUtf32(_codePoints[id]));
        }
        return text.ToString();
    }

    /// <summary>All characters in token order, as one string (for logs).</summary>
    public string Characters => string.Concat(CharacterStrings());

    /// <summary>A JSON array of one-character strings in token order, e.g. <c>["\n"," ","!"]</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(CharacterStrings(), JsonOptions);

    private string[] CharacterStrings()
    {
        var characters = new string[Count];
        for (int id = 0; id < Count; id++) characters[id] = char.ConvertFromUtf32(_codePoints[id]);
        return characters;
    }
}
