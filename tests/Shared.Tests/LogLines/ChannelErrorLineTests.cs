using AttnRnnCluster.Hosting.Logging;
using Serilog.Events;

namespace AttnRnnCluster.Shared.Tests.LogLines;

/// <summary>What the node's log makes of Akka.Remote's error for each connection that does not speak Akka.Remote.</summary>
public sealed class ChannelErrorLineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("attnrnn-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Twenty_channel_errors_from_one_address_are_one_warning_without_a_stack_trace_and_other_events_pass()
    {
        var file = Path.Combine(_folder, "node.log");
        using (var logger = LogSetup.Create(new LogOptions(LogEventLevel.Information, TextFile: file)))
        {
            for (var port = 51000; port < 51020; port++)
                logger.Error(Thrown(), "Error caught channel [{0}]", $"[[::ffff:10.0.0.5]:4053->[::ffff:10.0.0.9]:{port}](Id=1)");
            logger.Error(Thrown(), "Error caught channel [{0}]", "[[::ffff:10.0.0.5]:4053->[::ffff:10.0.0.7]:52000](Id=2)");
            logger.Error(Thrown(), "Something else failed");
        }

        var lines = File.ReadAllLines(file);
        Assert.Single(lines, l => l.Contains("Cluster port: dropped a connection from 10.0.0.9:51000: InvalidDataException: garbage"));
        Assert.Single(lines, l => l.Contains("Cluster port: dropped a connection from 10.0.0.7:52000"));
        Assert.DoesNotContain(lines, l => l.Contains("Error caught channel"));
        Assert.Single(lines, l => l.Contains("[ERR]") && l.Contains("Something else failed"));
        Assert.Single(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
    }

    /// <summary>An exception with a stack trace, as Akka logs them.</summary>
    private static InvalidDataException Thrown()
    {
        try
        {
            throw new InvalidDataException("garbage");
        }
        catch (InvalidDataException e)
        {
            return e;
        }
    }
}
