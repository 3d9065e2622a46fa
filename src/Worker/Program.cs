using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Model.Runtime;
using AttnRnnCluster.Worker.Hosting;

// The worker executable: joins a coordinator's cluster and computes micro-shards. See --help.
var parsed = OptionsParser.ParseWorker(args, Environment.GetEnvironmentVariables());
switch (parsed)
{
    case ParseResult<WorkerOptions>.Help help:
        Console.WriteLine(help.Text);
        return 0;
    case ParseResult<WorkerOptions>.Failure failure:
        Console.Error.WriteLine(failure.Report);
        return OptionsParser.UsageErrorExitCode;
}
var options = ((ParseResult<WorkerOptions>.Success)parsed).Options;
using var logger = LogSetup.Install(options.Logging);
var torch = TorchRuntime.Check(options.Threads);
if (!torch.Loaded)
{
    Console.Error.WriteLine(TorchRuntime.Explain(torch));
    return 3;
}
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
try
{
    return await WorkerNode.RunAsync(options, cancel.Token);
}
catch (Exception e) when (e is ArgumentException or AttnRnnCluster.Transport.Security.TlsCertificateException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return OptionsParser.UsageErrorExitCode;
}
