namespace AttnRnnCluster.Model.Tests;

public sealed class ModelConfigTests
{
    [Fact]
    public void The_json_form_round_trips_with_snake_case_names()
    {
        var config = new ModelConfig(InputKind.Tokens, 16, 64, 65, Attention: false, TargetKind.NextToken, VocabSize: 65);
        string json = ModelConfigJson.Serialize(config);
        Assert.Equal("""{"input":"tokens","input_width":16,"hidden":64,"output_width":65,"attention":false,"target":"next_token","vocab_size":65}""", json);
        Assert.Equal(config, ModelConfigJson.Deserialize(json));
    }

    [Theory]
    [InlineData("""{"input":"dense","input_width":2,"output_width":1,"attention":true,"target":"regression"}""", "missing required properties including: 'hidden'")]
    [InlineData("""{"input":"dense","input_width":2,"hidden":4,"output_width":1,"attention":true,"target":"regression","layers":3}""", "'layers'")]
    [InlineData("""{"input":"sparse","input_width":2,"hidden":4,"output_width":1,"attention":true,"target":"regression"}""", "$.input")]
    [InlineData("""{"input":"dense","input_width":2,"hidden":4,"output_width":1,"attention":true,"target":"next_token"}""", "Target NextToken needs Input Tokens")]
    [InlineData("""{"input":"tokens","input_width":2,"hidden":4,"output_width":3,"attention":true,"target":"classification"}""", "VocabSize must be at least 1 for token input (got 0)")]
    public void Bad_json_is_refused_naming_the_field(string json, string expected)
    {
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => ModelConfigJson.Deserialize(json)).Message);
    }
}
