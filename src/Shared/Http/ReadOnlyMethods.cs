using Microsoft.AspNetCore.Http;

namespace AttnRnnCluster.Http;

/// <summary>
/// The surface only shows: GET and HEAD are served, every other method is answered 405 before routing, whatever
/// the endpoints map. A HEAD request is routed as the GET it stands for; Kestrel itself sends no body for it. A
/// request that announces a body is answered 413 without reading it (Kestrel then closes the connection).
/// </summary>
public sealed class ReadOnlyMethods(RefusalLog refusals)
{
    public const string Allowed = "GET, HEAD";

    public Task Filter(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            return Refuse(context, StatusCodes.Status413PayloadTooLarge, "request body refused: this server takes no input\n");
        string method = context.Request.Method;
        if (HttpMethods.IsHead(method))
        {
            // Kestrel decides on the body from the request line it parsed, not from this string: the answer stays bodiless.
            context.Request.Method = HttpMethods.Get;
            return next(context);
        }
        if (HttpMethods.IsGet(method)) return next(context);
        context.Response.Headers.Allow = Allowed;
        return Refuse(context, StatusCodes.Status405MethodNotAllowed, $"method not allowed: this server only answers {Allowed}\n");
    }

    private Task Refuse(HttpContext context, int status, string reason)
    {
        refusals.Refused(context.Connection.RemoteIpAddress, context.Request.Method, context.Request.Path.Value ?? "", status, reason.TrimEnd('\n'));
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason);
    }
}
