using AttnRnnCluster.Coordinator.Commands;
using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Model.Runtime;

// The coordinator executable: `train` (default), `eval` or `sample`. See --help.
ICoordinatorCommand command;
switch (CoordinatorCommandLine.Read(args, Environment.GetEnvironmentVariables()))
{
    case OptionsOutcome<ICoordinatorCommand>.Success success:
        command = success.Options;
        break;
    case OptionsOutcome<ICoordinatorCommand>.Failure failure:
        Console.Error.WriteLine(failure.Report);
        return ExitCodes.BadInput;
    case OptionsOutcome<ICoordinatorCommand>.Help help:
        Console.Write(help.Text);
        return ExitCodes.Ok;
    case OptionsOutcome<ICoordinatorCommand>.Completions completions:
        Console.Write(completions.Text);
        return ExitCodes.Ok;
    case var other:
        throw new InvalidOperationException($"unexpected outcome {other}");
}
if (command is TrainingOptions training)
{
    // Fix the run folder once, so the log file and the run's other files land in the same place.
    command = training with { Run = training.Run with { Out = training.Run.RunFolder(DateTimeOffset.Now) } };
}

// A training run stops cleanly at SIGTERM or SIGINT (checkpoint, leave the cluster; StopSignals); eval and sample
// keep the runtime's own handling: they have nothing to save.
using var signals = command is TrainingOptions ? new StopSignals() : null;
// The console (and the files the user named); train adds the run folder's train.log once the run starts, so that
// a run refused for bad input, or on a host where TorchSharp cannot load, leaves no run folder behind.
var (logging, threads) = command switch
{
    TrainingOptions t => (t.Logging, t.Run.Threads),
    // eval and sample print their result on standard output, for scripts; their log goes to standard error.
    EvalOptions e => (e.Logging with { ConsoleToStandardError = true }, e.Threads),
    SampleOptions s => (s.Logging with { ConsoleToStandardError = true }, s.Threads),
    _ => throw new InvalidOperationException($"unknown command {command.GetType().Name}"),
};
using var logger = LogSetup.Install(logging);
// libtorch stays on one intra-op thread (a GEMM split across threads may sum differently); --threads is the
// engine's own parallelism, over a fixed partition of each shard (GradientEngines.Create), the same bits whatever N.
var torch = TorchRuntime.Check(intraOpThreads: 1);
if (!torch.Loaded)
{
    Console.Error.WriteLine(TorchRuntime.Explain(torch));
    return ExitCodes.TorchUnavailable;
}
return command switch
{
    TrainingOptions t => await TrainCommand.RunAsync(t, signals!),
    EvalOptions e => EvalCommand.Run(e),
    SampleOptions s => SampleCommand.Run(s),
    _ => ExitCodes.BadInput,
};
