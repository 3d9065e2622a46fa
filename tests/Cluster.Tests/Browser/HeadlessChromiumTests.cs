namespace AttnRnnCluster.Cluster.Tests.Browser;

/// <summary>
/// The browser harness itself, on a local file: the DOM comes back after the page's timers ran, and a screenshot's
/// pixels decode to the colours drawn where they were drawn. The live page's test relies on both.
/// </summary>
public sealed class HeadlessChromiumTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("chromium-test-").FullName;

    [BrowserFact]
    public async Task The_dom_is_dumped_after_the_pages_timers_ran_and_a_screenshot_decodes_to_the_colours_drawn()
    {
        string page = Path.Combine(_scratch, "page.html");
        await File.WriteAllTextAsync(page, """
            <!DOCTYPE html><html><head><style>
              body { margin: 0; background: #ffffff; }
              #block { position: absolute; left: 100px; top: 50px; width: 200px; height: 100px; background: #1f6feb; }
              #late { position: absolute; left: 600px; top: 400px; width: 40px; height: 30px; }
            </style></head><body><div id="block"></div><div id="late"></div><script>
              setTimeout(() => { document.getElementById("late").style.background = "#e8590c"; document.body.setAttribute("data-late", "done"); }, 2000);
            </script></body></html>
            """);
        var browser = new HeadlessChromium(_scratch);
        string url = new Uri(page).AbsoluteUri;

        var (dom, _) = await browser.DumpDomAsync(url, TimeSpan.FromSeconds(5));
        string png = Path.Combine(_scratch, "page.png");
        await browser.ScreenshotAsync(url, png, TimeSpan.FromSeconds(5));
        var image = PngImage.Read(await File.ReadAllBytesAsync(png));

        Assert.Contains("data-late=\"done\"", dom, StringComparison.Ordinal);
        Assert.Equal((HeadlessChromium.WindowWidth, HeadlessChromium.WindowHeight), (image.Width, image.Height));
        Assert.Equal((0x1f, 0x6f, 0xeb), image.Pixel(100, 50));
        Assert.Equal((0x1f, 0x6f, 0xeb), image.Pixel(299, 149));
        Assert.Equal((0xff, 0xff, 0xff), image.Pixel(300, 150));
        Assert.Equal((0xff, 0xff, 0xff), image.Pixel(99, 49));
        Assert.Equal((0xe8, 0x59, 0x0c), image.Pixel(620, 415));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
