using System.Net;
using AttnRnnCluster.Cluster.Tests.Live;
using AttnRnnCluster.Coordinator.Live;
using AttnRnnCluster.Coordinator.Training;
using AttnRnnCluster.Http;

namespace AttnRnnCluster.Cluster.Tests.Browser;

/// <summary>
/// Worker names and addresses come from other machines. The live page, served by a real HTTP surface and loaded in
/// Chromium, shows markup in them as text: no element it names appears, no script it carries runs.
/// </summary>
public sealed class HostileWorkerNamesBrowserTests : IAsyncDisposable
{
    private const string ImageName = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">";
    private const string ScriptLocation = "</td><script>document.body.setAttribute('data-pwned','2')</script><b>bold</b>";

    private readonly string _scratch = Directory.CreateTempSubdirectory("hostile-names-").FullName;

    [BrowserFact]
    public async Task Markup_in_a_worker_name_or_address_is_shown_as_text()
    {
        var board = new RunBoard(new RunIdentity("run", "adding: H=8, attention on, batch 24", 345, 100));
        board.Step(Reports.Step(1, [new(ImageName, ScriptLocation, WorkerState.Active, 3, 0, 1, 0)]));
        await using var surface = await HttpSurface.StartAsync(IPAddress.Loopback, 0, [new LiveEndpoints(board)]);

        var (dom, log) = await new HeadlessChromium(_scratch).DumpDomAsync(surface.Address.AbsoluteUri, TimeSpan.FromSeconds(3));

        Assert.Contains("data-renders=", dom, StringComparison.Ordinal);
        Assert.DoesNotContain(" data-pwned=\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", dom, StringComparison.Ordinal);
        Assert.Contains($"<td class=\"name\">{WebUtility.HtmlEncode(ImageName).Replace("&#39;", "'").Replace("&quot;", "\"")}</td>", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_scratch, recursive: true);
        return ValueTask.CompletedTask;
    }
}
