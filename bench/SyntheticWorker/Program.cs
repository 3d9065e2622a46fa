using AttnRnnCluster.Hosting;
using AttnRnnCluster.SyntheticWorker;
using AttnRnnCluster.Worker.Hosting;

// The scale benchmark's worker (issue 19, bench only): src/Worker's process (WorkerProcess.RunAsync: the same options,
// ports, HTTP surface, joining and worker node), with a SyntheticEngine in place of the model: --compute-ms of sleep per shard and a
// gradient of the model's full length. Nothing under src/ references this project; training never runs it.
var (computeTime, workerArguments, error) = ComputeTimeArgument.Split(args);
if (error != null)
{
    Console.Error.WriteLine($"error: {error}");
    return ExitCodes.BadInput;
}
return await WorkerProcess.RunAsync(workerArguments, config => new SyntheticEngine(config, computeTime),
    $"and, this benchmark's worker only: {ComputeTimeArgument.Name} N   sleep N ms per shard instead of computing (default {ComputeTimeArgument.DefaultMilliseconds})");
