using AttnRnnCluster.Coordinator.Hosting;
using AttnRnnCluster.Coordinator.Live;
using AttnRnnCluster.Coordinator.Monitoring;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Http;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Transport;
using Serilog;

namespace AttnRnnCluster.Coordinator.Commands;

/// <summary>`train`: set up from the options, run in this process or as a cluster's coordinator, report.</summary>
public static class TrainCommand
{
    /// <summary>The run folder's log, unless --log-file names another file.</summary>
    public const string RunLogName = "train.log";

    public static async Task<int> RunAsync(TrainingOptions options, StopSignals signals)
    {
        string runFolder = options.Run.RunFolder(DateTimeOffset.Now);
        TrainingSetup setup;
        CoordinatorSecurity? security = null;
        try
        {
            setup = TrainingSetup.Create(options);
            if (options.Cluster.Enabled)
            {
                security = CoordinatorSecurity.Prepare(options.Cluster.Tls);
                ListeningPorts.EnsureFree(options.Cluster.Hostname, options.Cluster.Port, "--port");
                ListeningPorts.EnsureFree(options.Cluster.Hostname, options.Cluster.BulkPort, "--bulk-port");
            }
            if (options.Http.Enabled) ListeningPorts.EnsureFree(options.Http.Hostname, options.Http.Port, "--http-port");
        }
        catch (Exception e) when (e is Model.Data.DataFormatException or CheckpointException or ArgumentException
                                      or Transport.Security.TlsCertificateException or Transport.Security.JoinTokenException or PortTakenException)
        {
            Log.Error("{Problem}", e.Message);
            return ExitCodes.BadInput;
        }
        if (options.Run.Resume is { } resume
            && RunCompletion.NothingToDo(RunCompletion.RunFolderOf(resume), setup.Master.Version, setup.Plan.MaxSteps, setup.Plan.TargetLoss) is { } why)
        {
            // A supervisor restarting a finished run: nothing is trained, nothing is written.
            Log.Information("The run in {RunFolder} is finished: {Why}. Nothing to train; give a larger --steps (or a lower --target-loss) to go on",
                RunCompletion.RunFolderOf(resume), why);
            return ExitCodes.Ok;
        }
        // The run starts here: before, bad input left nothing behind (not even the log file below).
        Directory.CreateDirectory(runFolder);
        using var runLog = options.Logging.TextFile is null
            ? LogSetup.InstallUntilDisposed(options.Logging with { TextFile = Path.Combine(runFolder, RunLogName) })
            : null;
        var master = setup.Master;
        Log.Information("Run folder {RunFolder}; data: {Data}", Path.GetFullPath(runFolder), setup.Data.Description);
        Log.Information("Model: {Config} ({Parameters} parameters){Resumed}", Model.ModelConfigJson.Serialize(master.Config),
            master.Layout.TotalSize, setup.ResumedFrom is { } from ? $"; resumed at step {master.Version} from {from}" : "");
        var keeper = new CheckpointKeeper(Path.Combine(runFolder, CheckpointKeeper.FolderName), options.Run.KeepCheckpoints,
            path => master.Save(path, setup.Plan.Seed, setup.Data.Vocabulary?.Entries));
        string title = $"{setup.Data.Name}: H={master.Config.Hidden}, attention {(master.Config.Attention ? "on" : "off")}, batch {setup.Plan.GlobalBatch}";
        using var runJournal = new RunJournal(runFolder, keeper, options.Run.LogEvery, title);
        // The probes and /metrics (CoordinatorMonitoring), and the live page.
        var monitoring = new CoordinatorMonitoring(signals.Stopping);
        // The live page's id for the run is its folder's name: the page shows no path.
        var board = new RunBoard(new RunIdentity(new DirectoryInfo(runFolder).Name, title, master.Layout.TotalSize, setup.Plan.MaxSteps));
        IReadOnlyList<IHttpEndpoints> endpoints = [.. monitoring.Endpoints, new LiveEndpoints(board)];
        HttpSurface? http;
        try
        {
            http = options.Http.Enabled
                ? await HttpSurface.StartAsync(PayloadTransport.BindAddress(options.Http.Hostname), options.Http.Port, endpoints)
                : null;
        }
        catch (HttpSurfaceException e)
        {
            Log.Error("{Problem}", e.Message);
            return ExitCodes.BadInput;
        }
        await using var stopHttp = http;
        using var tensorBoard = options.Run.TensorBoard ? new TensorBoardJournal(runFolder) : null;
        using var progress = options.Run.Progress && ConsoleStatusLine.StandardOutputIsInteractive
            ? new ProgressJournal(ConsoleStatusLine.Terminal, setup.Plan.MaxSteps)
            : null;
        var journal = new CombinedJournal([runJournal, .. monitoring.Journals, board, .. OptionalJournals(tensorBoard, progress)]);
        string StopReason() => $"stopped by {signals.Signal}";
        var summary = security is not null
            ? await ClusterRun.RunAsync(setup.Plan, setup.Data, master, journal, options, security.Tls, security.Announce(runFolder), signals.Stopping, StopReason,
                started: monitoring.Started, membershipEvent: monitoring.MembershipEvent)
            : await InProcessRun.RunAsync(setup.Plan, setup.Data, master, journal, options.Run.LocalWorkers, options.Run.Threads,
                config => GradientEngines.Create(config, options.Run.Threads), stopping: signals.Stopping, fault: options.Run.InjectCoordinatorFault,
                started: monitoring.Started);
        return ExitCode(summary, signals, runFolder);
    }

    private static IEnumerable<ITrainingJournal> OptionalJournals(params ITrainingJournal?[] journals) => journals.OfType<ITrainingJournal>();

    private static int ExitCode(RunSummary? summary, StopSignals signals, string runFolder)
    {
        switch (summary)
        {
            case { Stopped: true }:
                return signals.ExitCode;
            case { Failed: true }:
                return ExitCodes.RunFailed;
            case not null:
                return ExitCodes.Ok;
        }
        Log.Error("The run ended without its coordinator: --resume {RunFolder} continues it from its newest checkpoint, if it has one", runFolder);
        return signals.Signal is null ? ExitCodes.RunFailed : signals.ExitCode;
    }
}
