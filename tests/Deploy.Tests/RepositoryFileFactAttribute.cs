namespace AttnRnnCluster.Deploy.Tests;

/// <summary>A fact that needs a file of the repository that another branch brings; skipped, saying so, until it is there.</summary>
public sealed class RepositoryFileFactAttribute : FactAttribute
{
    public RepositoryFileFactAttribute(string path)
    {
        if (!File.Exists(Repository.PathOf(path))) Skip = $"{path} is not in this checkout yet";
    }
}
