using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AttnRnnCluster.Cluster.Tests.Processes;
using Xunit.Abstractions;

namespace AttnRnnCluster.Cluster.Tests.Browser;

/// <summary>
/// The live page of a real training run (the coordinator executable with two local workers and --http-port), loaded
/// in headless Chromium while the run goes on: after the page's script ran, the loss chart has drawn lines with
/// points, the worker table has a row per worker with its shards, and the screenshot has the train line's colour in
/// the chart's plot area.
/// </summary>
public sealed partial class LivePageBrowserTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The train loss line's colour in the page's script.</summary>
    private static readonly (byte R, byte G, byte B) TrainLine = (0x1f, 0x6f, 0xeb);

    /// <summary>Page time Chromium gives the page: its first poll, and a second one 1.5 s later.</summary>
    private static readonly TimeSpan PageTime = TimeSpan.FromSeconds(4);

    private readonly ProcessScratch _scratch = new(output, "live-page-");

    [BrowserFact]
    public async Task A_running_training_shows_its_loss_curves_and_worker_table_in_chromium()
    {
        var browser = new HeadlessChromium(_scratch.Folder);
        int httpPort = NodeProcess.FreePort();
        // Far more steps than the test lasts, so the run is still training when the browser looks; the end of the
        // test stops it. A model large enough that steps take a few milliseconds keeps the metrics file small.
        _scratch.Start(NodeProcess.Coordinator(
            [.. ProcessScratch.SmallAdding(1_000_000), "--hidden", "32", "--eval-every", "10", "--checkpoint-every", "1000000",
             "--local-workers", "2", "--http-port", ProcessScratch.Text(httpPort), "--out", _scratch.PathOf("run")],
            _scratch.PathOf("coordinator.log")));
        var page = new Uri($"http://127.0.0.1:{httpPort}/");
        using var http = new HttpClient { BaseAddress = page, Timeout = TimeSpan.FromSeconds(30) };
        await ProcessScratch.Until(() => Status(http) is { } s && s.GetProperty("latest").ValueKind == JsonValueKind.Object
                                         && s.GetProperty("latest").GetProperty("step").GetInt64() >= 20
                                         && s.GetProperty("evalLoss").GetProperty("steps").GetArrayLength() >= 2,
            "20 steps and two evaluations on /api/status");

        using var response = await http.GetAsync(page);
        var (dom, domLog) = await browser.DumpDomAsync(page.AbsoluteUri, PageTime);
        string png = _scratch.PathOf("live-page.png");
        string screenshotLog = await browser.ScreenshotAsync(page.AbsoluteUri, png, PageTime);
        var workers = Status(http)!.Value.GetProperty("workers").EnumerateArray()
            .Select(w => (Name: w.GetProperty("name").GetString()!, Shards: w.GetProperty("shardsDone").GetInt64())).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'none';", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        foreach (string log in new[] { domLog, screenshotLog })
        {
            Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
            Assert.DoesNotContain("Content Security Policy", log, StringComparison.Ordinal);
        }
        // The chart: a train line of at least the 20 steps seen, and a held-out line, drawn as paths of that many points.
        var train = Series(dom, "train");
        Assert.True(train.Points >= 20, $"the train line has {train.Points} points");
        Assert.Equal(train.Points, Regex.Matches(train.Path, "[ML]").Count);
        Assert.True(Series(dom, "eval").Points >= 2);
        // The worker table: a row per worker, its name, and a shard count up to what the run says after the page looked.
        Assert.Equal(2, workers.Count);
        foreach (var (name, shards) in workers)
        {
            var row = WorkerRow().Matches(dom).Single(m => WebUtility.HtmlDecode(m.Groups["name"].Value) == name);
            Assert.Equal(name, WebUtility.HtmlDecode(row.Groups["cell"].Value));
            long shown = long.Parse(row.Groups["shards"].Value, CultureInfo.InvariantCulture);
            Assert.InRange(shown, 1, shards);
        }
        // The screenshot: the train line's colour in the loss chart's plot area, where the page says it is.
        var image = PngImage.Read(await File.ReadAllBytesAsync(png));
        var box = PlotBox(dom, "loss-chart");
        int coloured = 0;
        for (int y = box.Y; y < box.Y + box.Height && y < image.Height; y++)
            for (int x = box.X; x < box.X + box.Width && x < image.Width; x++)
                if (Near(image.Pixel(x, y), TrainLine)) coloured++;
        Assert.True(coloured >= 100, $"{coloured} pixels of the train line's colour in the plot area {box}");
    }

    private static JsonElement? Status(HttpClient http)
    {
        try
        {
            using var json = JsonDocument.Parse(http.GetStringAsync("api/status").GetAwaiter().GetResult());
            return json.RootElement.Clone();
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private static (int Points, string Path) Series(string dom, string name)
    {
        var match = SeriesPath().Matches(dom).SingleOrDefault(m => m.Groups["name"].Value == name)
                    ?? throw new InvalidOperationException($"no {name} line in the page:\n{dom}");
        return (int.Parse(match.Groups["points"].Value, CultureInfo.InvariantCulture), match.Groups["d"].Value);
    }

    private static (int X, int Y, int Width, int Height) PlotBox(string dom, string chart)
    {
        var match = Regex.Match(dom, $"""id="{chart}"[^>]*data-plot-box="(\d+),(\d+),(\d+),(\d+)" """.TrimEnd());
        Assert.True(match.Success, $"the {chart} has no plot box");
        int At(int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        return (At(1), At(2), At(3), At(4));
    }

    private static bool Near((byte R, byte G, byte B) pixel, (byte R, byte G, byte B) colour) =>
        Math.Abs(pixel.R - colour.R) <= 8 && Math.Abs(pixel.G - colour.G) <= 8 && Math.Abs(pixel.B - colour.B) <= 8;

    [GeneratedRegex("""<path class="series" data-series="(?<name>[^"]*)" data-points="(?<points>\d+)" stroke="[^"]*" d="(?<d>[^"]*)">""")]
    private static partial Regex SeriesPath();

    [GeneratedRegex("""<tr class="[^"]*" data-worker="(?<name>[^"]*)"><td class="name">(?<cell>[^<]*)</td>.*?<td class="number shards">(?<shards>\d+)</td>""")]
    private static partial Regex WorkerRow();

    public void Dispose() => _scratch.Dispose();
}
