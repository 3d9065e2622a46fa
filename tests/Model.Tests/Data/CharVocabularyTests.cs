using AttnRnnCluster.Model.Data;

namespace AttnRnnCluster.Model.Tests.Data;

public sealed class CharVocabularyTests
{
    [Fact]
    public void Is_the_distinct_characters_sorted_by_code_point_not_by_utf16_units()
    {
        // U+1F600 is a surrogate pair (0xD83D...) that UTF-16 ordinal order would put before U+FB01.
        var vocabulary = CharVocabulary.FromText("b\u20ACa\U0001F600\uFB01\nab\u00E9");
        Assert.Equal(new[] { '\n', 'a', 'b', 0xE9, 0x20AC, 0xFB01, 0x1F600 }, Enumerable.Range(0, vocabulary.Count).Select(vocabulary.CodePoint));
        Assert.Equal("\nab\u00E9\u20AC\uFB01\U0001F600", vocabulary.Characters);
    }

    [Fact]
    public void Encodes_and_decodes_text_including_characters_outside_the_basic_plane()
    {
        var vocabulary = CharVocabulary.FromText("hello \U0001F600 world");
        long[] ids = vocabulary.Encode("\U0001F600 low");
        Assert.Equal(5, ids.Length);
        Assert.Equal("\U0001F600 low", vocabulary.Decode(ids));
        var unknown = Assert.Throws<ArgumentException>(() => vocabulary.Encode("hey"));
        Assert.Contains("'y' (U+0079)", unknown.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([vocabulary.Count]));
    }

    [Fact]
    public void Survives_a_round_trip_through_json()
    {
        var vocabulary = CharVocabulary.FromText("\"\\\n\t <é\U0001F600");
        string json = vocabulary.ToJson();
        Assert.StartsWith("[\"\\t\",\"\\n\",\" \",\"\\\"\",", json);
        Assert.Equal(vocabulary.Characters, CharVocabulary.FromJson(json, "checkpoint.safetensors").Characters);
    }

    [Theory]
    [InlineData("not json", "not a JSON array")]
    [InlineData("[]", "empty")]
    [InlineData("[\"a\",\"bc\"]", "entry 1 is \"bc\"; expected exactly one character")]
    [InlineData("[\"b\",\"a\"]", "entry 1 (U+0061) is not after entry 0 (U+0062)")]
    [InlineData("[\"a\",\"a\"]", "entry 1 (U+0061) is not after entry 0 (U+0061)")]
    public void Rejects_a_bad_stored_vocabulary_naming_its_source(string json, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => CharVocabulary.FromJson(json, "run/step-100.safetensors"));
        Assert.Equal("run/step-100.safetensors", error.File);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Converts_nats_to_bits_per_character()
    {
        Assert.Equal(1.0, TextMetrics.BitsPerCharacter(Math.Log(2)), 12);
        Assert.Equal(Math.Log2(65), TextMetrics.BitsPerCharacter(Math.Log(65)), 12);
        Assert.Equal(Math.Log(65), TextMetrics.NatsPerCharacter(Math.Log2(65)), 12);
    }
}
