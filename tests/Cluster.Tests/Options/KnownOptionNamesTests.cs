using AttnRnnCluster.Hosting.Options;

namespace AttnRnnCluster.Cluster.Tests.Options;

/// <summary>
/// Each executable skips the variables and config keys of the other (one env file serves both), knowing them from
/// <see cref="KnownOptionNames"/>, a list in Hosting: it must hold exactly the options the commands define.
/// </summary>
public sealed class KnownOptionNamesTests
{
    [Fact]
    public void The_list_of_every_option_name_is_the_union_of_both_executables_options()
    {
        var defined = Commands.Names.SelectMany(name => Commands.Describe(name).Options.Select(o => o.Key)).ToHashSet();

        Assert.Equal(defined.Order(StringComparer.Ordinal), KnownOptionNames.All.Order(StringComparer.Ordinal));
    }
}
