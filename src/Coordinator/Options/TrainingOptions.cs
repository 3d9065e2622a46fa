using AttnRnnCluster.Hosting.Logging;
using AttnRnnCluster.Hosting.Options;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Coordinator.Options;

/// <summary>Everything the coordinator's train command needs (the default command).</summary>
public sealed record TrainingOptions : ICoordinatorCommand
{
    public DataOptions Data { get; init; } = new();
    public ModelOptions Model { get; init; } = new();
    public OptimizationOptions Optimization { get; init; } = new();
    public RunOptions Run { get; init; } = new();
    public ClusterOptions Cluster { get; init; } = new();
    public HttpOptions Http { get; init; } = new();
    public LogOptions Logging { get; init; } = new();

    public static OptionsCommand<ICoordinatorCommand> Command()
    {
        var data = new DataOptionGroup();
        var model = new ModelOptionGroup();
        var optimization = new OptimizationOptionGroup();
        var run = new RunOptionGroup();
        var cluster = new ClusterOptionGroup();
        var http = new HttpOptionGroup();
        var logging = new LoggingOptionGroup("train.log in the run folder");
        return new OptionsCommand<ICoordinatorCommand>(
            Name: "train",
            Usage: "dotnet run --project src/Coordinator -- [train] [options]",
            Summary: """
                Trains the attention-fused RNN. With no options: the adding problem, T=100, two workers in this process,
                until the held-out MSE is below 0.01. Other commands: eval (--checkpoint), sample (--checkpoint --prompt);
                see "eval --help" and "sample --help".
                """,
            Sections:
            [
                new("data", data.All),
                new("model", model.All),
                new("optimization", optimization.All),
                new("run", run.All),
                new("cluster", cluster.All),
                new("http", http.All),
                new("logging", logging.All),
            ],
            Read: values =>
            {
                var options = new TrainingOptions
                {
                    Data = data.Read(values),
                    Model = model.Read(values),
                    Optimization = optimization.Read(values),
                    Run = run.Read(values),
                    Cluster = cluster.Read(values),
                    Http = http.Read(values),
                    Logging = logging.Read(values),
                };
                // The target loss's default is the adding task's: the other losses have no natural threshold.
                return values.IsSet(optimization.TargetLoss.Key) || options.Data.Task == TaskKind.Adding
                    ? options
                    : options with { Optimization = options.Optimization with { TargetLoss = 0 } };
            });
    }

    public IEnumerable<string> Check(IOptionOrigins origins)
    {
        foreach (string error in Data.Check(origins).Concat(Cluster.Tls.Check(origins)))
            yield return error;
        if (NodeOptions.BulkPortClash(Cluster.BulkPort, Cluster.Port, origins) is { } clash)
            yield return clash;
        if ((Http.Check(origins) ?? Http.Clash(origins, Cluster.Port, Cluster.BulkPort)) is { } httpMistake)
            yield return httpMistake;

        var opt = Optimization;
        if (opt.MicroBatch > opt.Batch)
            yield return $"{origins["micro-batch"]} = {opt.MicroBatch} is larger than {origins["batch"]} = {opt.Batch}: a micro-shard is a part of the global batch";
        if (opt.Warmup >= opt.Steps)
            yield return $"{origins["warmup"]} = {opt.Warmup} must be less than {origins["steps"]} = {opt.Steps}";
        if (origins.IsSet("momentum") && opt.Optimizer != OptimizerKind.Sgd)
            yield return $"{origins["momentum"]}: momentum is for --optimizer sgd (adam has its own moment estimates)";
        if (opt.WeightDecay > 0 && opt.Optimizer != OptimizerKind.Adam)
            yield return $"{origins["weight-decay"]}: weight decay is AdamW's, for --optimizer adam";
        else if (opt.Lr * opt.WeightDecay >= 1)
            yield return $"{origins["lr"]} = {opt.Lr} times {origins["weight-decay"]} = {opt.WeightDecay} must be below 1: each step shrinks the weights by that fraction";
        if (origins.IsSet("embed") && Data.Task == TaskKind.Adding)
            yield return $"{origins["embed"]}: the adding task has no tokens to embed (its 2 features are the input)";
        if (Run.Resume is not null && Run.InitWeights is not null)
            yield return $"{origins["resume"]} and {origins["init-weights"]}: give one (resuming restores the weights and the optimizer)";

        if (!Cluster.Enabled)
        {
            if (Run.LocalWorkers == 0)
                yield return $"{origins["local-workers"]} = 0 and no cluster (--port 0): nobody would compute; give --local-workers 1 or more, or a --port for remote workers";
            foreach (string name in ClusterOptions.ClusterOnly.Where(origins.IsSet))
                yield return $"{origins[name]}: only means something in a cluster; give --port to start one";
        }
    }
}
