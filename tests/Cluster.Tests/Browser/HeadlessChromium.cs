using System.Diagnostics;

namespace AttnRnnCluster.Cluster.Tests.Browser;

/// <summary>
/// Debian's Chromium run headless, once per question: the DOM after the page's scripts ran (--dump-dom), or a
/// screenshot (--screenshot). --virtual-time-budget lets the page's timers and requests run for that much page time
/// before the answer is taken, so the answer does not depend on how busy the machine is. Each run has a profile
/// folder of its own (in the scratch folder given) and is killed if it does not end in time.
/// </summary>
public sealed class HeadlessChromium
{
    /// <summary>Set (to anything) where the browser tests must run: CI. Not ATTNRNN_*: those are the executables' options.</summary>
    public const string RequiredVariable = "REQUIRE_BROWSER_TESTS";

    public const int WindowWidth = 1280, WindowHeight = 900;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private readonly string _executable;
    private readonly string _scratch;

    public HeadlessChromium(string scratch)
    {
        _executable = Find() ?? throw new InvalidOperationException($"Chromium is not on PATH: apt-get install chromium ({RequiredVariable} is set, so this test may not skip)");
        _scratch = scratch;
    }

    public static bool Required => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RequiredVariable));

    /// <summary>The Chromium executable on PATH (Debian: chromium; elsewhere often chromium-browser), or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .SelectMany(folder => new[] { "chromium", "chromium-browser" }.Select(name => Path.Combine(folder, name)))
        .FirstOrDefault(File.Exists);

    /// <summary>The document as the page's scripts left it, and what Chromium logged (the page's console included).</summary>
    public async Task<(string Dom, string Log)> DumpDomAsync(string url, TimeSpan pageTime) =>
        await RunAsync(["--dump-dom", url], pageTime);

    /// <summary>A screenshot of the window, as a PNG file at <paramref name="pngPath"/>; returns what Chromium logged.</summary>
    public async Task<string> ScreenshotAsync(string url, string pngPath, TimeSpan pageTime)
    {
        var (_, log) = await RunAsync([$"--screenshot={pngPath}", url], pageTime);
        if (!File.Exists(pngPath)) throw new InvalidOperationException($"Chromium wrote no screenshot; its log:\n{log}");
        return log;
    }

    private async Task<(string Output, string Log)> RunAsync(IEnumerable<string> request, TimeSpan pageTime)
    {
        var start = new ProcessStartInfo(_executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] common =
        [
            // --no-sandbox: CI runs as root, where Chromium's sandbox will not start.
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
            "--force-device-scale-factor=1", $"--window-size={WindowWidth},{WindowHeight}", "--enable-logging=stderr", "--v=0",
            $"--user-data-dir={Directory.CreateDirectory(Path.Combine(_scratch, $"chromium-profile-{Guid.NewGuid():N}")).FullName}",
            $"--virtual-time-budget={(long)pageTime.TotalMilliseconds}",
        ];
        foreach (string arg in common.Concat(request)) start.ArgumentList.Add(arg);
        start.WorkingDirectory = _scratch;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var log = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Chromium did not answer within {Limit.TotalMinutes} minutes: {string.Join(' ', start.ArgumentList)}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"Chromium exited with code {process.ExitCode}:\n{await log}");
        return (await output, await log);
    }
}
