using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;

namespace AttnRnnCluster.Http;

/// <summary>
/// A node's HTTP server for operators (--http-port): Kestrel on one address, HTTP/1.1, GET and HEAD only
/// (<see cref="ReadOnlyMethods"/>), small limits (<see cref="HttpLimits"/>), and the endpoints the node hands it. It
/// reads no configuration or environment of ASP.NET's own (no ASPNETCORE_URLS): where it listens is the node's
/// options alone. Its log events of warning and above go to the node's Serilog logger; the rest is dropped.
/// </summary>
public sealed class HttpSurface : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpSurface(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where it listens, e.g. http://127.0.0.1:9400/ (the real port when it was started on port 0).</summary>
    public Uri Address { get; }

    public int Port => Address.Port;

    /// <summary>Starts listening on <paramref name="address"/>:<paramref name="port"/> (0: any free port, for tests).</summary>
    /// <exception cref="HttpSurfaceException">The port is taken or may not be used.</exception>
    /// <param name="log">Where ASP.NET Core's warnings go; Serilog's static logger (the node's) when null.</param>
    public static async Task<HttpSurface> StartAsync(IPAddress address, int port, IReadOnlyList<IHttpEndpoints> endpoints,
        Serilog.ILogger? log = null, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(options =>
        {
            HttpLimits.Apply(options);
            options.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A provider under ASP.NET's own factory, so the minimum level above filters; with no logger of its own it
        // writes to Serilog's static one at each event, the node's logger (its files included). Each kind of event
        // at most once a minute: a flood of refused connections must not flood the log.
        builder.Logging.AddProvider(new OncePerMinuteLogging(new SerilogLoggerProvider(log), TimeProvider.System));

        var app = builder.Build();
        app.Use(new ReadOnlyMethods(new RefusalLog(log, TimeProvider.System)).Filter);
        app.Use(NoSniffing);
        app.UseRouting();
        foreach (var group in endpoints) group.Map(app);
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new HttpSurfaceException($"--http-port {port}: cannot listen on port {port} of {address}: {e.InnerException?.Message ?? e.Message}; stop what holds it, or choose another port", e);
        }
        // The server's addresses once it listens: the real port when asked for port 0.
        string bound = app.Urls.First();
        var surface = new HttpSurface(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
        Log.Information("HTTP surface listening at {Address} (GET and HEAD only: /healthz, /readyz and the node's pages)", surface.Address);
        return surface;
    }

    /// <summary>Answers are what the node says, never a file a browser should guess the type of.</summary>
    private static Task NoSniffing(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return next(context);
    }

    public async ValueTask DisposeAsync()
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(bounded.Token);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
