using System.Globalization;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Processes;

/// <summary>
/// A process test's scratch: a folder for run folders and process logs, and the processes the test started. Disposing
/// kills what still runs, shows the last lines of every log in the test's output, and removes the folder.
/// </summary>
public sealed class ProcessScratch(ITestOutputHelper output, string prefix) : IDisposable
{
    /// <summary>How long a test waits for a run, so that a broken feature fails instead of hanging CI.</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);

    private readonly List<NodeProcess> _processes = [];

    public string Folder { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public string PathOf(params string[] parts) => Path.Combine([Folder, .. parts]);

    /// <summary>
    /// The options that give a node this test's join token (a file in the scratch folder), for tests about something
    /// else than security: every cluster node needs the token (or --insecure).
    /// </summary>
    public string[] JoinToken
    {
        get
        {
            string path = PathOf("test-join-token");
            if (!File.Exists(path)) Transport.Security.JoinToken.Generate().WriteFile(path);
            return ["--join-token-file", path];
        }
    }

    public NodeProcess Start(NodeProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>The small adding run of <see cref="Training.InProcessTraining.SmallAdding"/> as command-line options.</summary>
    public static string[] SmallAdding(int steps) =>
    [
        "--seq-len", "12", "--held-out", "40", "--hidden", "8", "--batch", "24", "--micro-batch", "5",
        "--steps", Text(steps), "--target-loss", "0", "--seed", "11", "--eval-every", "3", "--checkpoint-every", "5",
    ];

    /// <summary>Waits until <paramref name="condition"/> holds, at most <see cref="RunLimit"/>.</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        var limit = DateTime.UtcNow + RunLimit;
        while (!condition())
        {
            if (DateTime.UtcNow > limit) throw new TimeoutException($"waited {RunLimit.TotalMinutes} minutes for {what}");
            await Task.Delay(100);
        }
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var process in _processes) process.Dispose();
        foreach (string log in Directory.GetFiles(Folder, "*.log"))
            output.WriteLine($"--- {Path.GetFileName(log)} (last lines)\n{string.Join('\n', File.ReadLines(log).TakeLast(15))}");
        Directory.Delete(Folder, recursive: true);
    }
}
