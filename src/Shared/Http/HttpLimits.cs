using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AttnRnnCluster.Http;

/// <summary>
/// Kestrel's limits, set small: the surface answers short GETs from probes, a scraper and a browser, so a client that
/// sends more (long lines, many or huge headers, a body, slow headers, many connections) is refused early and costs at
/// most a few kilobytes and one of a few connection slots. Kestrel answers such requests itself (400, 413, 414, 431)
/// and closes the connection.
/// </summary>
public static class HttpLimits
{
    /// <summary>Probes, one or two scrapers and a few browser tabs: far below this.</summary>
    public const int MaxConnections = 32;
    public const int MaxRequestLineBytes = 2 * 1024;
    public const int MaxHeaderBytes = 8 * 1024;
    public const int MaxHeaderCount = 32;
    /// <summary>What Kestrel buffers from one connection before it stops reading: a request line and headers at most.</summary>
    public const int MaxBufferedBytes = 16 * 1024;
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(30);

    public static void Apply(KestrelServerOptions options)
    {
        options.AddServerHeader = false;
        options.AllowSynchronousIO = false;
        var limits = options.Limits;
        limits.MaxConcurrentConnections = MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        // GET and HEAD carry no body; anything announcing one is refused before it is read.
        limits.MaxRequestBodySize = 0;
        limits.MaxRequestLineSize = MaxRequestLineBytes;
        limits.MaxRequestHeadersTotalSize = MaxHeaderBytes;
        limits.MaxRequestHeaderCount = MaxHeaderCount;
        limits.MaxRequestBufferSize = MaxBufferedBytes;
        limits.RequestHeadersTimeout = HeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
    }
}
