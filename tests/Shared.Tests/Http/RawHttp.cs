using System.Net.Sockets;
using System.Text;

namespace AttnRnnCluster.Shared.Tests.Http;

/// <summary>
/// Bytes to an HTTP server and everything it answers until it closes the connection: what HttpClient would tidy
/// away (a body after HEAD, a refused request) stays visible.
/// </summary>
internal static class RawHttp
{
    public static async Task<string> ExchangeAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var answer = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30))) > 0)
                answer.Write(buffer, 0, read);
        }
        catch (IOException)
        {
            // The server reset the connection after answering: what came before is the answer.
        }
        return Encoding.ASCII.GetString(answer.ToArray());
    }
}
