using AttnRnnCluster.Benchmarks;
using AttnRnnCluster.Benchmarks.Figures;
using AttnRnnCluster.Benchmarks.Micro;
using AttnRnnCluster.Benchmarks.Quality;
using AttnRnnCluster.Benchmarks.Scale;
using AttnRnnCluster.Model.Runtime;

// Issue 7's figures (and issue 4's in-process one), each beside its PyTorch peer measured in the same run.
// Usage: dotnet run -c Release --project bench/Benchmarks -- [all|model|engines|engine-scale|inprocess|cluster|wire|growth|micro|verify|security|bf16wire|serial|cluster-text|quality-adding|quality-text|quality-text-plot]
//        dotnet run -c Release --project bench/Benchmarks -- scale [--workers N] [--params P] [--link RATE]   (root: network namespaces)
if (args.Length > 0 && args[0] == BareParameterServer.WorkerVerb) return BareParameterServer.RunWorker(args);

string[] figures = ["model", "engines", "engine-scale", "inprocess", "cluster", "wire", "growth", "micro", "verify", "security", "bf16wire", "serial", "cluster-text"];
// Whole training runs, minutes to an hour each: never part of `all`.
string[] qualityFigures = ["quality-adding", "quality-text", "quality-text-plot"];
// Issue 19's many workers on shaped links: root, up to 17 processes a row, 38 minutes for the table (docs/performance.md); never part of `all`.
const string ScaleVerb = "scale";
string chosen = args.Length == 0 ? "all" : args[0];
ScaleArguments? scale = null;
if (chosen == ScaleVerb)
{
    var (parsed, error) = ScaleArguments.Parse(args[1..]);
    if (parsed == null)
    {
        Console.Error.WriteLine($"scale: {error}{Environment.NewLine}{ScaleArguments.Usage}");
        return 2;
    }
    scale = parsed;
}
else if (args.Length > 1 || (chosen != "all" && !figures.Contains(chosen) && !qualityFigures.Contains(chosen)))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project bench/Benchmarks -- [all|{string.Join("|", figures.Concat(qualityFigures).Append(ScaleVerb))}] (got: {string.Join(" ", args)})");
    return 2;
}

var torch = TorchRuntime.Check(intraOpThreads: 1);
if (!torch.Loaded)
{
    Console.Error.WriteLine(TorchRuntime.Explain(torch));
    return 3;
}
if (Directory.Exists(Repository.Scratch)) Directory.Delete(Repository.Scratch, recursive: true);

var (peer, whyNoPeer) = await PythonPeer.FindAsync();
Console.WriteLine($"AttnRnnCluster benchmarks, {DateTime.Now:yyyy-MM-dd HH:mm}");
Console.WriteLine($"machine: {Machine.Describe()}; load average at start {Machine.LoadAverage()}");
Console.WriteLine(peer != null ? $"peer: {Repository.PeerFolder} with /usr/bin/python3 and torch" : $"peer lines skipped: {whyNoPeer}");
#if DEBUG
Console.WriteLine("warning: a Debug build; the figures are meaningful only with -c Release");
#endif

if (scale != null) return await ScaleBenchmark.RunAsync(scale);

var started = DateTime.Now;
foreach (string figure in chosen == "all" ? figures : [chosen])
{
    switch (figure)
    {
        case "model": await ModelStepFigure.RunAsync(peer); break;
        case "engines": await EnginesFigure.RunAsync(peer); break;
        case "engine-scale": await EngineScaleFigure.RunAsync(peer); break;
        case "inprocess": await InProcessFigure.RunAsync(); break;
        case "cluster": await ClusterFigure.RunAsync(peer); break;
        case "wire": await WireFigure.RunAsync(); break;
        case "growth": await GrowthFigure.RunAsync(peer); break;
        case "micro": MicroBenchmarks.Run(); break;
        case "verify": await VerifyFigure.RunAsync(); break;
        case "security": await SecurityFigure.RunAsync(); break;
        case "bf16wire": await Bf16WireFigure.RunAsync(); break;
        case "quality-adding": await QualityFigure.AddingAsync(); break;
        case "quality-text": await QualityFigure.TextAsync(); break;
        case "quality-text-plot": QualityFigure.TextPlot(); break;
        case "serial": SerialFigure.Run(); break;
        case "cluster-text": await ClusterTextFigure.RunAsync(peer); break;
    }
}
Console.WriteLine($"{Environment.NewLine}done in {(DateTime.Now - started).TotalMinutes:F1} min; load average now {Machine.LoadAverage()}");
return 0;
