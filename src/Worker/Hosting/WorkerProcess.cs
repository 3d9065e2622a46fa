using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Http;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Network;
using AttnRnnCluster.Model.Runtime;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Transport;
using AttnRnnCluster.Transport.Security;
using AttnRnnCluster.Worker.Options;

namespace AttnRnnCluster.Worker.Hosting;

/// <summary>
/// A worker process from its command line to its exit code: options, logging, libtorch, signals, ports, the HTTP
/// surface, then <see cref="WorkerNode.RunAsync"/>. The Worker executable is this with the real engines; the scale
/// benchmark's bench/SyntheticWorker is this with its own engine, so the two processes differ in nothing else.
/// </summary>
public static class WorkerProcess
{
    /// <param name="engineFactory">
    /// Null (the Worker executable, always): the real engines (<see cref="GradientEngines.Create(ModelConfig, int)"/>), after
    /// checking that libtorch loads. Another factory computes without libtorch, so the check is left out.
    /// </param>
    /// <param name="helpFooter">Printed after --help's text: what a host adds to the worker's options.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<ModelConfig, IGradientEngine>? engineFactory = null, string? helpFooter = null)
    {
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
                if (helpFooter != null) Console.WriteLine($"{Environment.NewLine}{helpFooter}");
                return ExitCodes.Ok;
            case OptionsOutcome<WorkerOptions>.Completions completions:
                Console.Write(completions.Text);
                return ExitCodes.Ok;
            case var other:
                throw new InvalidOperationException($"unexpected outcome {other}");
        }
        using var logger = LogSetup.Install(options.Logging);
        if (engineFactory is null)
        {
            // libtorch stays on one intra-op thread; --threads goes to the engine (GradientEngines.Create), the same bits whatever N.
            var torch = TorchRuntime.Check(intraOpThreads: 1);
            if (!torch.Loaded)
            {
                Console.Error.WriteLine(TorchRuntime.Explain(torch));
                return ExitCodes.TorchUnavailable;
            }
        }
        // SIGTERM or SIGINT: the worker leaves the cluster and exits (StopSignals).
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
            return await WorkerNode.RunAsync(options, signals, monitoring, engineFactory);
        }
        catch (Exception e) when (e is ArgumentException or TlsCertificateException or JoinTokenException or PortTakenException or HttpSurfaceException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }
}
