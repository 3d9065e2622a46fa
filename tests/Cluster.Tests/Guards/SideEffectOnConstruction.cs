namespace AttnRnnCluster.Cluster.Tests.Guards;

/// <summary>
/// A type whose construction has a side effect, as a gadget would: it counts its instances. A node that decoded a
/// JSON frame naming it (<c>$type</c>) would construct one.
/// </summary>
public sealed class SideEffectOnConstruction
{
    private static int _constructed;

    public SideEffectOnConstruction() => Interlocked.Increment(ref _constructed);

    public static int Constructed => Volatile.Read(ref _constructed);

    public string Payload { get; set; } = "";
}
