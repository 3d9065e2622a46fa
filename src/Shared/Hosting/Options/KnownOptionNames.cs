namespace AttnRnnCluster.Hosting.Options;

/// <summary>
/// Every option name of every command of both executables. One environment or config file may serve several
/// commands (one env file for a coordinator and its workers), so a name that another command knows is skipped
/// there, not reported; a name nobody knows is a typo. Neither executable references the other, so the names
/// are listed here; a test in Cluster.Tests (which references both) keeps this list equal to their options.
/// </summary>
public static class KnownOptionNames
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        // coordinator, train: data, model, optimization, run, cluster
        "task", "data", "eval-data", "classes", "seq-len", "held-out",
        "hidden", "embed", "attention",
        "batch", "micro-batch", "steps", "target-loss", "optimizer", "lr", "momentum", "weight-decay", "clip", "warmup", "lr-schedule", "seed",
        "out", "resume", "init-weights", "eval-every", "checkpoint-every", "keep-checkpoints", "log-every", "local-workers", "threads", "inject-coordinator-fault",
        "tensorboard", "progress",
        "hostname", "port", "public-hostname", "bulk-port", "max-incoming-mib", "min-workers", "start-timeout", "shard-timeout", "straggler-factor",
        "max-bad-results", "worker-wait", "verify-fraction", "wire-precision", "data-plane",
        // coordinator, eval and sample
        "checkpoint", "prompt", "length", "temperature",
        // worker
        "seed-nodes", "coordinator-timeout", "name", "inject-delay-ms", "inject-relay-delay-ms", "inject-fault",
        // both executables: security and logging
        "join-token-file", "join-token", "insecure", "tls-cert", "tls-password-file", "tls-password",
        "log-level", "log-file", "log-json",
        // train and the worker: the HTTP surface
        "http-port", "http-hostname",
    };
}
