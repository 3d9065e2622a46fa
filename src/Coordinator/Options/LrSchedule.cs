namespace AttnRnnCluster.Coordinator.Options;

public enum LrSchedule
{
    /// <summary>The learning rate stays at --lr after warmup.</summary>
    Constant,
    /// <summary>After warmup, the learning rate follows half a cosine from --lr down to --lr/10 at --steps (nanoGPT's floor).</summary>
    Cosine,
}
