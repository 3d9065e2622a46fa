using AttnRnnCluster.Model.Runtime;
using AttnRnnCluster.Shared.Logging;
using Serilog;
using TorchSharp;

// Foundation entry point: proves TorchSharp loads and trains on this host. The orchestrator replaces it.
using var logger = LogSetup.Install(new LogOptions());
var status = TorchRuntime.Check(intraOpThreads: 1);
if (!status.Loaded)
{
    Console.Error.WriteLine(TorchRuntime.Explain(status));
    return 3;
}
Log.Information("TorchSharp {TorchSharp} with libtorch {LibTorch} loaded", status.TorchSharpVersion, status.LibTorchVersion);
torch.manual_seed(0);
using var w = torch.zeros(2, 1, requires_grad: true);
var x = torch.rand(64, 2);
var y = x.sum(1, keepdim: true);
for (int step = 1; step <= 200; step++)
{
    using var loss = (x.matmul(w) - y).pow(2).mean();
    loss.backward();
    using (torch.no_grad()) { w.sub_(w.grad!.mul(0.5)); w.grad!.zero_(); }
    if (step % 50 == 0) Log.Information("step {Step} loss {Loss:F6}", step, loss.item<float>());
}
return 0;
