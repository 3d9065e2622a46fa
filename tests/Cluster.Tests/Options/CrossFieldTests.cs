using AttnRnnCluster.Protocol.Wire;
using static AttnRnnCluster.Cluster.Tests.Options.Parsing;

namespace AttnRnnCluster.Cluster.Tests.Options;

public sealed class CrossFieldTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_micro_batch_larger_than_the_batch_is_refused_naming_both_sources()
    {
        Assert.Equal("--micro-batch = 128 is larger than --batch (default) = 64: a micro-shard is a part of the global batch",
            CoordinatorError("--micro-batch", "128"));
        Assert.Equal("ATTNRNN_MICRO_BATCH (environment) = 32 is larger than --batch = 16: a micro-shard is a part of the global batch",
            CoordinatorError(Environment(("ATTNRNN_MICRO_BATCH", "32")), "--batch", "16"));
    }

    [Fact]
    public void Text_and_jsonl_need_data_and_adding_refuses_it()
    {
        Assert.Equal("--task text needs --data FILE (the adding task is the only one that generates its data)", CoordinatorError("--task", "text"));
        Assert.Equal("--task jsonl needs --data FILE (the adding task is the only one that generates its data)", CoordinatorError("--task", "jsonl"));
        string data = _files.Write("d.txt", "abc");
        Assert.StartsWith("--data: the adding task generates its data", CoordinatorError("--data", data));
        Assert.StartsWith("--eval-data: the adding task generates its held-out set", CoordinatorError("--eval-data", data));
    }

    [Fact]
    public void Classes_are_only_for_jsonl()
    {
        string data = _files.Write("d.jsonl", "{}");

        Assert.Equal("--classes = 3: classes are only for --task jsonl (got --task adding)", CoordinatorError("--classes", "3"));
        Assert.Equal(3, Train("--task", "jsonl", "--data", data, "--classes", "3").Data.Classes);
    }

    [Fact]
    public void Momentum_is_only_for_sgd_weight_decay_only_for_adam_and_embed_not_for_adding()
    {
        Assert.StartsWith("--momentum: momentum is for --optimizer sgd", CoordinatorError("--momentum", "0.5"));
        Assert.Equal(0.5, Train("--optimizer", "sgd", "--momentum", "0.5").Optimization.Momentum);
        Assert.StartsWith("--weight-decay: weight decay is AdamW's, for --optimizer adam", CoordinatorError("--optimizer", "sgd", "--weight-decay", "0.1"));
        Assert.StartsWith("--lr = 2 times --weight-decay = 0.5 must be below 1", CoordinatorError("--lr", "2", "--weight-decay", "0.5"));
        Assert.Equal(0.1, Train("--weight-decay", "0.1").Optimization.WeightDecay);
        Assert.Equal(0, Train().Optimization.WeightDecay);
        Assert.StartsWith("--embed: the adding task has no tokens to embed", CoordinatorError("--embed", "16"));
    }

    [Fact]
    public void Warmup_must_end_before_the_last_step_and_resume_excludes_init_weights()
    {
        Assert.Equal("--warmup = 10 must be less than --steps = 10", CoordinatorError("--steps", "10", "--warmup", "10"));
        string weights = _files.Write("w.safetensors", "");
        Assert.StartsWith("--resume and --init-weights: give one", CoordinatorError("--resume", _files.Folder, "--init-weights", weights));
    }

    [Fact]
    public void Cluster_options_without_a_port_are_refused()
    {
        Assert.Equal("--min-workers: only means something in a cluster; give --port to start one", CoordinatorError("--min-workers", "3"));
        Assert.StartsWith("--local-workers = 0 and no cluster (--port 0): nobody would compute", CoordinatorError("--local-workers", "0"));

        Assert.Equal("--bulk-port: only means something in a cluster; give --port to start one", CoordinatorError("--bulk-port", "4054"));

        var cluster = Train("--port", "4053", "--bulk-port", "4054", "--local-workers", "0", "--min-workers", "3", "--wire-precision", "bf16", "--hostname", "0.0.0.0");
        Assert.True(cluster.Cluster.Enabled);
        Assert.Equal((4053, 4054, 3, "0.0.0.0"), (cluster.Cluster.Port, cluster.Cluster.BulkPort, cluster.Cluster.MinWorkers, cluster.Cluster.Hostname));
    }

    [Fact]
    public void Bf16_is_accepted_without_a_cluster_where_it_rounds_as_a_cluster_does()
    {
        Assert.Equal(WirePrecision.Bf16, Train("--wire-precision", "bf16").Cluster.WirePrecision);
    }

    [Fact]
    public void The_bulk_channel_cannot_share_the_cluster_port()
    {
        Assert.Equal("--bulk-port = 4053 is also --port: the bulk channel needs a port of its own (or 0 for any free one)",
            CoordinatorError("--port", "4053", "--bulk-port", "4053"));
        Assert.Equal(0, Train("--port", "4053").Cluster.BulkPort);
    }

    [Fact]
    public void The_adding_task_needs_two_steps_while_a_text_window_takes_one()
    {
        const string expected = "--seq-len = 1: the adding task needs at least 2 steps (a marked number in each half)";
        Assert.Equal(expected, CoordinatorError("--seq-len", "1"));
        Assert.Equal(expected, CoordinatorError("eval", "--checkpoint", _files.Write("c.safetensors", ""), "--seq-len", "1"));
        Assert.Equal(2, Train("--seq-len", "2").Data.SeqLen);

        string data = _files.Write("tiny.txt", "to be or not to be");
        Assert.Equal(1, Train("--task", "text", "--data", data, "--seq-len", "1").Data.SeqLen);
        Assert.Equal("--seq-len: expected an integer in 1..100000, got \"0\"", CoordinatorError("--task", "text", "--data", data, "--seq-len", "0"));
    }

    [Fact]
    public void Classes_are_0_for_regression_or_at_least_2()
    {
        string data = _files.Write("d.jsonl", "{}");

        Assert.Equal("--classes: expected 0 or an integer in 2..1000000, got \"1\"", CoordinatorError("--task", "jsonl", "--data", data, "--classes", "1"));
        Assert.Equal(2, Train("--task", "jsonl", "--data", data, "--classes", "2").Data.Classes);
        Assert.Equal(0, Train("--task", "jsonl", "--data", data, "--classes", "0").Data.Classes);
    }
}
