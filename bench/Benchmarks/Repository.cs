namespace AttnRnnCluster.Benchmarks;

/// <summary>Where things are: the repository (found upwards from this executable), the executables beside it, the PyTorch peer.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>artifacts/app/&lt;Configuration&gt;/: this program, the coordinator and the worker share it.</summary>
    public static string AppFolder => AppContext.BaseDirectory;

    public static string PeerFolder => Path.GetFullPath(Path.Combine(Root, "..", "shared", "peer"));

    public static string Docs => Path.Combine(Root, "docs");

    /// <summary>Run folders of the coordinators the benchmarks launch (artifacts/ is ignored by git).</summary>
    public static string Scratch => Path.Combine(Root, "artifacts", "bench");

    /// <summary>
    /// Run folders of the quality figures' trainings (artifacts/quality/NAME), outside <see cref="Scratch"/> so that
    /// the next benchmark run does not empty them: quality-text-plot redraws from them.
    /// </summary>
    public static string QualityRuns => Path.Combine(Root, "artifacts", "quality");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AttnRnnCluster.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"no AttnRnnCluster.sln above {AppContext.BaseDirectory}: run the benchmarks from a build of this repository");
    }
}
