using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Model.Tests.Training;

public sealed class ParameterLayoutTests
{
    [Fact]
    public void Every_layout_is_the_full_name_list_less_what_the_config_lacks_in_the_same_order()
    {
        var full = ParameterLayout.For(new ModelConfig(InputKind.Tokens, 2, 3, 4, Attention: true, TargetKind.NextToken, VocabSize: 4));
        Assert.Equal(ParameterLayout.AllNames, full.Parameters.Select(p => p.Name));
        var plainDense = ParameterLayout.For(new ModelConfig(InputKind.Dense, 2, 3, 4, Attention: false, TargetKind.Regression));
        Assert.Equal(ParameterLayout.AllNames.Where(n => n != "embedding.weight" && !n.StartsWith("attention.")), plainDense.Parameters.Select(p => p.Name));
    }
}
