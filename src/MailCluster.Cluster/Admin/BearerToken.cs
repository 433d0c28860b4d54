using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// Checks "Authorization: Bearer TOKEN" on every request but the health probes (orchestrators call those without
/// credentials, and they reveal nothing) and endpoints marked AllowAnonymous (the dashboard's static files, which hold
/// no data: the page asks for the token and sends it on its own API calls). With no token configured the API is open,
/// which config validation allows only on loopback.
/// </summary>
public static class BearerToken
{
    public static Func<HttpContext, RequestDelegate, Task> Middleware(string token)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        return async (context, next) =>
        {
            if (expected.Length == 0 || context.Request.Path.StartsWithSegments("/health") || IsAnonymous(context) || Matches(context, expected))
            {
                await next(context);
                return;
            }
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "this endpoint requires Authorization: Bearer <mailcluster.admin.token>").ExecuteAsync(context);
        };
    }

    // Routing has already matched the endpoint: WebApplication puts UseRouting ahead of the middleware added here.
    private static bool IsAnonymous(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    private static bool Matches(HttpContext context, byte[] expected)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        // Constant time, so the token cannot be guessed byte by byte from response times.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[7..].Trim()), expected);
    }
}
