using System.Text.RegularExpressions;
using AttnRnnCluster.Deploy.Tests.Systemd;

namespace AttnRnnCluster.Deploy.Tests;

/// <summary>
/// The executables refuse an ATTNRNN_ variable that names no option, so every name the recipes set must be one
/// that docs/configuration.md documents (that page is generated from the same tables as the parser, and tested so).
/// </summary>
public sealed partial class OptionNamesTests
{
    /// <summary>The launcher's own variable, which it removes before starting an executable.</summary>
    private const string LauncherRole = "ATTNRNN_ROLE";

    [RepositoryFileFact("docs/configuration.md")]
    public void Every_ATTNRNN_variable_in_deploy_is_a_documented_option()
    {
        var documented = Name().Matches(Repository.ReadText("docs", "configuration.md")).Select(m => m.Value).ToHashSet();
        var used = Repository.FilesUnder("deploy", "")
            .SelectMany(file => Name().Matches(Repository.ReadText(file)).Select(m => (File: file, Name: m.Value)))
            .Where(use => use.Name != LauncherRole)
            .ToList();

        Assert.NotEmpty(used);
        Assert.All(used, use => Assert.True(documented.Contains(use.Name), $"{use.File}: {use.Name} is no documented option"));
    }

    [Theory]
    [InlineData("deploy/docker/attnrnn.env")]
    [InlineData("deploy/systemd/attnrnn.env")]
    public void The_environment_files_hold_only_option_names_and_no_role_or_port(string file)
    {
        var variables = EnvironmentFile.Read(Repository.PathOf(file));

        Assert.NotEmpty(variables);
        Assert.All(variables.Keys, name => Assert.Matches("^ATTNRNN_[A-Z0-9_]+$", name));
        Assert.DoesNotContain(LauncherRole, variables.Keys);
        Assert.DoesNotContain("ATTNRNN_PORT", variables.Keys); // shared by both roles, so each service sets its own
    }

    [GeneratedRegex("ATTNRNN_[A-Z0-9_]*[A-Z0-9]")]
    private static partial Regex Name();
}
