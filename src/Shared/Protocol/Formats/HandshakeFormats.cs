using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Formats;

/// <summary>Layouts of the registration and lifecycle messages: small, string-heavy, rare.</summary>
internal static class HandshakeFormats
{
    public static readonly MessageFormat RegisterWorker = MessageFormat.Of<RegisterWorker>("rw", 1,
        static (w, m, _) =>
        {
            w.WriteString(m.WorkerName, nameof(m.WorkerName));
            w.WriteInt32(m.ProtocolRevision);
            w.WriteString(m.TorchSharpVersion, nameof(m.TorchSharpVersion));
            w.WriteString(m.LibTorchVersion, nameof(m.LibTorchVersion));
            w.WriteInt32(m.Threads);
            w.WriteInt32(m.Capacity);
        },
        static r => new RegisterWorker(
            WorkerName: r.ReadString(nameof(Messages.RegisterWorker.WorkerName)),
            ProtocolRevision: r.ReadInt32(nameof(Messages.RegisterWorker.ProtocolRevision)),
            TorchSharpVersion: r.ReadString(nameof(Messages.RegisterWorker.TorchSharpVersion)),
            LibTorchVersion: r.ReadString(nameof(Messages.RegisterWorker.LibTorchVersion)),
            Threads: r.ReadInt32(nameof(Messages.RegisterWorker.Threads)),
            Capacity: r.ReadInt32(nameof(Messages.RegisterWorker.Capacity))));

    /// <summary>Version 2: the progress interval (revision 4).</summary>
    public static readonly MessageFormat WorkerAccepted = MessageFormat.Of<WorkerAccepted>("wa", 2,
        static (w, m, _) =>
        {
            w.WriteString(m.RunId, nameof(m.RunId));
            w.WriteString(m.ModelConfigJson, nameof(m.ModelConfigJson));
            w.WriteInt32(m.ParameterCount);
            w.WriteInt32(m.ProgressIntervalMs);
        },
        static r => new WorkerAccepted(
            RunId: r.ReadString(nameof(Messages.WorkerAccepted.RunId)),
            ModelConfigJson: r.ReadString(nameof(Messages.WorkerAccepted.ModelConfigJson)),
            ParameterCount: r.ReadInt32(nameof(Messages.WorkerAccepted.ParameterCount)),
            ProgressIntervalMs: r.ReadInt32(nameof(Messages.WorkerAccepted.ProgressIntervalMs), 1, int.MaxValue)));

    public static readonly MessageFormat WorkerRefused = MessageFormat.Of<WorkerRefused>("wr", 1,
        static (w, m, _) => w.WriteString(m.Reason, nameof(m.Reason)),
        static r => new WorkerRefused(r.ReadString(nameof(Messages.WorkerRefused.Reason))));

    public static readonly MessageFormat TrainingFinished = MessageFormat.Of<TrainingFinished>("tf", 1,
        static (w, m, _) => w.WriteString(m.Reason, nameof(m.Reason)),
        static r => new TrainingFinished(r.ReadString(nameof(Messages.TrainingFinished.Reason))));
}
