using AttnRnnCluster.Model.Runtime;
using AttnRnnCluster.Shared.Logging;
using Serilog;

using var logger = LogSetup.Install(new LogOptions());
var status = TorchRuntime.Check(intraOpThreads: 1);
if (!status.Loaded)
{
    Console.Error.WriteLine(TorchRuntime.Explain(status));
    return 3;
}
Log.Information("TorchSharp {TorchSharp} with libtorch {LibTorch} loaded; cluster mode arrives with the orchestrator", status.TorchSharpVersion, status.LibTorchVersion);
return 0;
