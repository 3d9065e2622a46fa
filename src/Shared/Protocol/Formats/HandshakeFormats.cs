using AttnRnnCluster.Protocol.Messages;
using AttnRnnCluster.Protocol.Wire;

namespace AttnRnnCluster.Protocol.Formats;

/// <summary>Layouts of the registration and lifecycle messages: small, string-heavy, rare.</summary>
internal static class HandshakeFormats
{
    /// <summary>
    /// Version 2 (revision 5): the worker's identity, and every string bounded. Version 1 is still read, so that a
    /// worker of revision 4 or older is refused with the reason instead of never being answered.
    /// </summary>
    public static readonly MessageFormat RegisterWorker = MessageFormat.Of<RegisterWorker>("rw", 2,
        static (w, m) =>
        {
            w.WriteString(m.WorkerName, nameof(m.WorkerName));
            w.WriteInt32(m.ProtocolRevision);
            w.WriteString(m.TorchSharpVersion, nameof(m.TorchSharpVersion));
            w.WriteString(m.LibTorchVersion, nameof(m.LibTorchVersion));
            w.WriteInt32(m.Threads);
            w.WriteInt32(m.Capacity);
            w.WriteString(m.WorkerIdentity, nameof(m.WorkerIdentity));
        },
        static r => new RegisterWorker(
            WorkerName: ReadBounded(r, nameof(Messages.RegisterWorker.WorkerName)),
            ProtocolRevision: r.ReadInt32(nameof(Messages.RegisterWorker.ProtocolRevision)),
            TorchSharpVersion: ReadBounded(r, nameof(Messages.RegisterWorker.TorchSharpVersion)),
            LibTorchVersion: ReadBounded(r, nameof(Messages.RegisterWorker.LibTorchVersion)),
            Threads: r.ReadInt32(nameof(Messages.RegisterWorker.Threads)),
            Capacity: r.ReadInt32(nameof(Messages.RegisterWorker.Capacity)),
            WorkerIdentity: ReadIdentity(r)))
        .AlsoReading(1, static r => new RegisterWorker(
            WorkerName: ReadBounded(r, nameof(Messages.RegisterWorker.WorkerName)),
            // Only an older worker writes this layout: it carries no identity, and is refused for its revision.
            ProtocolRevision: r.ReadInt32(nameof(Messages.RegisterWorker.ProtocolRevision), int.MinValue, LastRevisionWithoutIdentity),
            TorchSharpVersion: ReadBounded(r, nameof(Messages.RegisterWorker.TorchSharpVersion)),
            LibTorchVersion: ReadBounded(r, nameof(Messages.RegisterWorker.LibTorchVersion)),
            Threads: r.ReadInt32(nameof(Messages.RegisterWorker.Threads)),
            Capacity: r.ReadInt32(nameof(Messages.RegisterWorker.Capacity)),
            WorkerIdentity: ""));

    /// <summary>The last protocol revision whose workers sent no identity (format 1 of RegisterWorker).</summary>
    private const int LastRevisionWithoutIdentity = 4;

    private static string ReadBounded(WireReader r, string field)
    {
        string value = r.ReadString(field);
        if (System.Text.Encoding.UTF8.GetByteCount(value) > Messages.RegisterWorker.MaxNameBytes)
            throw r.Malformed(field, $"is longer than {Messages.RegisterWorker.MaxNameBytes} bytes");
        return value;
    }

    private static string ReadIdentity(WireReader r)
    {
        string identity = r.ReadString(nameof(Messages.RegisterWorker.WorkerIdentity));
        return Messages.RegisterWorker.IdentityProblem(identity) is { } problem
            ? throw r.Malformed(nameof(Messages.RegisterWorker.WorkerIdentity), problem)
            : identity;
    }

    /// <summary>
    /// Version 3: the precision of the worker's gradients (revision 6), as a <see cref="FloatEncoding"/> byte. Version 2
    /// (revision 4) added the progress interval. Only the coordinator writes this message, and a worker of another
    /// revision is refused before it is sent, so older versions need not be read.
    /// </summary>
    public static readonly MessageFormat WorkerAccepted = MessageFormat.Of<WorkerAccepted>("wa", 4,
        static (w, m) =>
        {
            w.WriteString(m.RunId, nameof(m.RunId));
            w.WriteString(m.ModelConfigJson, nameof(m.ModelConfigJson));
            w.WriteInt32(m.ParameterCount);
            w.WriteInt32(m.ProgressIntervalMs);
            w.WriteByte((byte)m.GradientPrecision.Encoding());
            w.WriteByte((byte)m.DataPlane);
        },
        static r => new WorkerAccepted(
            RunId: r.ReadString(nameof(Messages.WorkerAccepted.RunId)),
            ModelConfigJson: r.ReadString(nameof(Messages.WorkerAccepted.ModelConfigJson)),
            ParameterCount: r.ReadInt32(nameof(Messages.WorkerAccepted.ParameterCount)),
            ProgressIntervalMs: r.ReadInt32(nameof(Messages.WorkerAccepted.ProgressIntervalMs), 1, int.MaxValue),
            GradientPrecision: r.ReadEnum<FloatEncoding>(nameof(Messages.WorkerAccepted.GradientPrecision)).Precision(),
            DataPlane: r.ReadEnum<DataPlane>(nameof(Messages.WorkerAccepted.DataPlane))));

    public static readonly MessageFormat WorkerRefused = MessageFormat.Of<WorkerRefused>("wr", 1,
        static (w, m) => w.WriteString(m.Reason, nameof(m.Reason)),
        static r => new WorkerRefused(r.ReadString(nameof(Messages.WorkerRefused.Reason))));

    public static readonly MessageFormat TrainingFinished = MessageFormat.Of<TrainingFinished>("tf", 1,
        static (w, m) => w.WriteString(m.Reason, nameof(m.Reason)),
        static r => new TrainingFinished(r.ReadString(nameof(Messages.TrainingFinished.Reason))));
}
