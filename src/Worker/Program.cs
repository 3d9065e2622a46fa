using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Http;
using AttnRnnCluster.Model.Runtime;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Worker.Hosting;
using AttnRnnCluster.Worker.Options;

// The worker executable: joins a coordinator's cluster and computes micro-shards. See --help.
WorkerOptions options;
switch (WorkerCommandLine.Read(args, Environment.GetEnvironmentVariables()))
{
    case OptionsOutcome<WorkerOptions>.Success success:
        options = success.Options;
        break;
    case OptionsOutcome<WorkerOptions>.Failure failure:
        Console.Error.WriteLine(failure.Report);
        return ExitCodes.BadInput;
    case OptionsOutcome<WorkerOptions>.Help help:
        Console.Write(help.Text);
        return ExitCodes.Ok;
    case OptionsOutcome<WorkerOptions>.Completions completions:
        Console.Write(completions.Text);
        return ExitCodes.Ok;
    case var other:
        throw new InvalidOperationException($"unexpected outcome {other}");
}
using var logger = LogSetup.Install(options.Logging);
// libtorch stays on one intra-op thread; --threads goes to the engine (GradientEngines.Create), the same bits whatever N.
var torch = TorchRuntime.Check(intraOpThreads: 1);
if (!torch.Loaded)
{
    Console.Error.WriteLine(TorchRuntime.Explain(torch));
    return ExitCodes.TorchUnavailable;
}
// SIGTERM or SIGINT: the worker leaves the cluster and exits (StopSignals).
using var signals = new StopSignals();
try
{
    ListeningPorts.EnsureFree(options.Hostname, options.Port, "--port");
    ListeningPorts.EnsureFree(options.Hostname, options.BulkPort, "--bulk-port");
    if (options.Http.Enabled) ListeningPorts.EnsureFree(options.Http.Hostname, options.Http.Port, "--http-port");
    var probes = new WorkerProbes();
    IReadOnlyList<IHttpEndpoints> endpoints = [new ProbeEndpoints(probes)];
    await using var http = options.Http.Enabled
        ? await HttpSurface.StartAsync(PayloadTransport.BindAddress(options.Http.Hostname), options.Http.Port, endpoints)
        : null;
    return await WorkerNode.RunAsync(options, signals, probes);
}
catch (Exception e) when (e is ArgumentException or AttnRnnCluster.Transport.Security.TlsCertificateException
                               or AttnRnnCluster.Transport.Security.JoinTokenException or PortTakenException or HttpSurfaceException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.BadInput;
}
