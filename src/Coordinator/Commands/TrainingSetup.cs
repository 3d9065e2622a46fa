using AttnRnnCluster.Coordinator.Options;
using AttnRnnCluster.Coordinator.Run;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Model;
using AttnRnnCluster.Model.Checkpoints;
using AttnRnnCluster.Model.Data;
using AttnRnnCluster.Model.Training;

namespace AttnRnnCluster.Coordinator.Commands;

/// <summary>
/// Everything a run is made of, built from the options: the data, the model config, the master weights and
/// optimizer (fresh, from --init-weights, or from --resume), and the plan. Bad input (data files,
/// checkpoints) throws <see cref="DataFormatException"/>, <see cref="CheckpointException"/> or
/// <see cref="ArgumentException"/>, each naming what is wrong, before anything is written.
/// </summary>
public sealed record TrainingSetup(TrainingPlan Plan, IDataSource Data, MasterState Master, string? ResumedFrom)
{
    public static TrainingSetup Create(TrainingOptions options)
    {
        var opt = options.Optimization;
        Checkpoint? resume = options.Run.Resume is { } resumePath ? CheckpointFiles.Load(ResolveCheckpoint(resumePath)) : null;
        var vocabulary = resume?.Vocabulary is { } chars ? CharVocabulary.FromJson(System.Text.Json.JsonSerializer.Serialize(chars), ResolveCheckpoint(options.Run.Resume!)) : null;
        var data = DataSources.Create(new DataSettings(TaskName(options.Data.Task), options.Data.Data, options.Data.EvalData,
            options.Data.Classes, options.Data.SeqLen, opt.Seed, options.Data.HeldOut), vocabulary);
        var config = ModelConfigFor(data, options.Model);
        if (resume != null && resume.Config != config)
            throw new ArgumentException($"--resume {options.Run.Resume}: the checkpoint's model ({ModelConfigJson.Serialize(resume.Config)}) differs from the options' ({ModelConfigJson.Serialize(config)})");

        var optimizer = new OptimizerSettings(opt.Optimizer, Momentum: opt.Momentum, WeightDecay: opt.WeightDecay).Create(ParameterLayout.For(config).TotalSize);
        float[] weights;
        long version = 0;
        if (resume != null)
        {
            weights = resume.Weights;
            version = resume.Step;
            optimizer.Import(CheckpointFiles.LoadOptimizer(ResolveCheckpoint(options.Run.Resume!), resume));
        }
        else if (options.Run.InitWeights is { } initPath)
        {
            weights = CheckpointFiles.LoadWeights(initPath, config);
        }
        else
        {
            weights = ModelInitializer.Initialize(config, opt.Seed);
        }
        var schedule = opt.LrSchedule == LrSchedule.Cosine
            ? LearningRateSchedule.WarmupCosine(opt.Lr, opt.Warmup, opt.Steps, floor: opt.Lr / 10)
            : new LearningRateSchedule(opt.Lr, WarmupSteps: opt.Warmup);
        var master = new MasterState(config, weights, version, optimizer, new UpdateRule(schedule, opt.Clip));

        var cluster = options.Cluster;
        var plan = new TrainingPlan(
            Seed: opt.Seed,
            GlobalBatch: opt.Batch,
            MicroBatch: opt.MicroBatch,
            MaxSteps: opt.Steps,
            TargetLoss: opt.TargetLoss > 0 ? opt.TargetLoss : null,
            EvalEvery: options.Run.EvalEvery,
            CheckpointEvery: options.Run.CheckpointEvery,
            MinWorkers: cluster.Enabled ? Math.Max(cluster.MinWorkers, 1) : options.Run.LocalWorkers,
            StartTimeout: cluster.StartTimeout,
            ShardTimeout: cluster.ShardTimeout,
            StragglerFactor: cluster.StragglerFactor,
            StragglerMinimum: TrainingPlan.DefaultStragglerMinimum,
            MaxBadResults: cluster.MaxBadResults,
            EvalMicroBatch: TrainingPlan.EvalMicroBatchFor(opt.MicroBatch),
            WorkerWait: cluster.WorkerWait,
            VerifyFraction: cluster.VerifyFraction,
            WirePrecision: cluster.WirePrecision)
        {
            DataPlane = cluster.ResolvedDataPlane,
        };
        return new TrainingSetup(plan, data, master, resume != null ? options.Run.Resume : null);
    }

    public static ModelConfig ModelConfigFor(IDataSource data, ModelOptions model) => data.Input == InputKind.Tokens
        ? new ModelConfig(InputKind.Tokens, model.Embed, model.Hidden, data.OutputWidth, model.Attention, data.Target, data.Vocabulary!.Count)
        : new ModelConfig(InputKind.Dense, data.InputWidth, model.Hidden, data.OutputWidth, model.Attention, data.Target);

    /// <summary>--resume takes a checkpoint file, or a run folder (its checkpoints/last.safetensors).</summary>
    public static string ResolveCheckpoint(string path)
    {
        if (!Directory.Exists(path)) return path;
        string last = Path.Combine(path, CheckpointKeeper.FolderName, CheckpointKeeper.LastName);
        if (File.Exists(last)) return last;
        last = Path.Combine(path, CheckpointKeeper.LastName);
        return File.Exists(last) ? last : throw new ArgumentException($"--resume {path}: the folder has no checkpoints/{CheckpointKeeper.LastName}");
    }

    public static string TaskName(TaskKind task) => task switch
    {
        TaskKind.Adding => "adding",
        TaskKind.Text => "text",
        TaskKind.Jsonl => "jsonl",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown task"),
    };
}
