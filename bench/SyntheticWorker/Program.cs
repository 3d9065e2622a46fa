using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Http;
using AttnRnnCluster.SyntheticWorker;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Worker.Hosting;
using AttnRnnCluster.Worker.Options;

// The scale benchmark's worker (issue 19, bench only): src/Worker's process, the same options, joining and worker
// node (WorkerNode.RunAsync), with a SyntheticEngine in place of the model: --compute-ms of sleep per shard and a
// gradient of the model's full length. Nothing under src/ references this project; training never runs it.
var (computeTime, workerArguments, error) = ComputeTimeArgument.Split(args);
if (error != null)
{
    Console.Error.WriteLine($"error: {error}");
    return ExitCodes.BadInput;
}
WorkerOptions options;
switch (WorkerCommandLine.Read(workerArguments, Environment.GetEnvironmentVariables()))
{
    case OptionsOutcome<WorkerOptions>.Success success:
        options = success.Options;
        break;
    case OptionsOutcome<WorkerOptions>.Failure failure:
        Console.Error.WriteLine(failure.Report);
        return ExitCodes.BadInput;
    case OptionsOutcome<WorkerOptions>.Help help:
        Console.Write(help.Text);
        Console.WriteLine($"{Environment.NewLine}and, this benchmark's worker only: {ComputeTimeArgument.Name} N   sleep N ms per shard instead of computing (default {ComputeTimeArgument.DefaultMilliseconds})");
        return ExitCodes.Ok;
    case OptionsOutcome<WorkerOptions>.Completions completions:
        Console.Write(completions.Text);
        return ExitCodes.Ok;
    case var other:
        throw new InvalidOperationException($"unexpected outcome {other}");
}
using var logger = LogSetup.Install(options.Logging);
// No TorchSharp check: the synthetic engine computes nothing with it.
using var signals = new StopSignals();
try
{
    ListeningPorts.EnsureFree(options.Hostname, options.Port, "--port");
    ListeningPorts.EnsureFree(options.Hostname, options.BulkPort, "--bulk-port");
    if (options.Http.Enabled) ListeningPorts.EnsureFree(options.Http.Hostname, options.Http.Port, "--http-port");
    var monitoring = new WorkerMonitoring();
    await using var http = options.Http.Enabled
        ? await HttpSurface.StartAsync(PayloadTransport.BindAddress(options.Http.Hostname), options.Http.Port, monitoring.Endpoints)
        : null;
    return await WorkerNode.RunAsync(options, signals, monitoring, config => new SyntheticEngine(config, computeTime));
}
catch (Exception e) when (e is ArgumentException or AttnRnnCluster.Transport.Security.TlsCertificateException
                               or AttnRnnCluster.Transport.Security.JoinTokenException or PortTakenException or HttpSurfaceException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.BadInput;
}
