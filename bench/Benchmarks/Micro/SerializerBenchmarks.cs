using Akka.Actor;
using Akka.Configuration;
using AttnRnnCluster.Benchmarks.Figures;
using AttnRnnCluster.Hosting;
using AttnRnnCluster.Model.Training;
using AttnRnnCluster.Protocol.Formats;
using AttnRnnCluster.Protocol.Messages;
using BenchmarkDotNet.Attributes;

namespace AttnRnnCluster.Benchmarks.Micro;

/// <summary>Encode and decode of a weight broadcast: the model of the figures (H=64) and 64 MB of weights.</summary>
[MemoryDiagnoser]
public class SerializerBenchmarks
{
    private ActorSystem _system = null!;
    private ProtocolSerializer _serializer = null!;
    private WeightsUpdate _update = null!;
    private byte[] _encoded = null!;
    private string _manifest = null!;

    public static IEnumerable<int> ParameterCounts => [ParameterLayout.For(AddingModel.Config(64)).TotalSize, 16 * 1024 * 1024];

    [ParamsSource(nameof(ParameterCounts))]
    public int Parameters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("micro-serializer", NodeConfig.Wire().WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        _serializer = new ProtocolSerializer((ExtendedActorSystem)_system);
        var values = new float[Parameters];
        for (int i = 0; i < values.Length; i++) values[i] = MathF.Sin(i);
        _update = new WeightsUpdate(1, new ParameterBuffer([new TensorSlot("all", [Parameters], 0)], values));
        _encoded = _serializer.ToBinary(_update);
        _manifest = _serializer.Manifest(_update);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Benchmark]
    public byte[] Encode() => _serializer.ToBinary(_update);

    [Benchmark]
    public object Decode() => _serializer.FromBinary(_encoded, _manifest);
}
