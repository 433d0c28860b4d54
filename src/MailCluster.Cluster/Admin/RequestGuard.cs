using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace MailCluster.Cluster.Admin;

/// <summary>Marks a POST endpoint that changes nothing and takes a non-JSON body (config validation takes HOCON text).</summary>
public sealed class AcceptsAnyContentType;

/// <summary>
/// Browser-borne attacks on the admin API. A web page the postmaster opens can reach 127.0.0.1:8025 by DNS rebinding
/// (its own name resolved to 127.0.0.1, so the browser sends Host: evil.example) or by a plain cross-site request
/// (a form POST, or fetch in no-cors mode). So:
/// the Host must be an IP literal this endpoint answers on, localhost (loopback endpoints), or a name in
/// mailcluster.admin.allowed-hosts, else 421; a state-changing request (POST/PUT/PATCH/DELETE) must say
/// Content-Type: application/json, which a browser cannot send cross-site without a CORS preflight this API never
/// grants, else 415; and an Origin header on it must be this API's own origin, else 403.
/// </summary>
public static class RequestGuard
{
    public static Func<HttpContext, RequestDelegate, Task> Middleware(AdminSettings settings)
    {
        var allowedNames = new HashSet<string>(settings.AllowedHosts.Select(h => h.TrimEnd('.')), StringComparer.OrdinalIgnoreCase);
        if (IPAddress.IsLoopback(settings.Endpoint.Address) || IsWildcard(settings.Endpoint.Address)) allowedNames.Add("localhost");
        return async (context, next) =>
        {
            var request = context.Request;
            if (!HostAllowed(request.Host, settings.Endpoint.Address, allowedNames))
            {
                await Reject(context, StatusCodes.Status421MisdirectedRequest, "Misdirected Request",
                    $"Host '{request.Host.Value}' is not this admin endpoint; add it to mailcluster.admin.allowed-hosts if it is");
                return;
            }
            if (ChangesState(request.Method))
            {
                if (request.Headers.Origin.Count > 0 && !SameOrigin(request))
                {
                    await Reject(context, StatusCodes.Status403Forbidden, "Forbidden",
                        $"cross-origin request from '{request.Headers.Origin}' refused");
                    return;
                }
                if (!IsJson(request.ContentType) && context.GetEndpoint()?.Metadata.GetMetadata<AcceptsAnyContentType>() is null)
                {
                    await Reject(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                        $"{request.Method} requires Content-Type: application/json (got '{request.ContentType ?? "none"}')");
                    return;
                }
            }
            await next(context);
        };
    }

    /// <summary>True when a request with this Host header may be served by an endpoint bound to <paramref name="bound"/>.</summary>
    public static bool HostAllowed(HostString host, IPAddress bound, IReadOnlySet<string> allowedNames)
    {
        if (!host.HasValue) return false;
        var name = host.Host.Trim('[', ']');
        if (IPAddress.TryParse(name, out var literal))
            // A literal cannot be rebound. Bound to any address, every literal of the host is its own; else only the bound one.
            return IsWildcard(bound) || Normalize(literal).Equals(Normalize(bound));
        return allowedNames.Contains(name.TrimEnd('.'));
    }

    private static bool ChangesState(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static bool SameOrigin(HttpRequest request) =>
        Uri.TryCreate(request.Headers.Origin.ToString(), UriKind.Absolute, out var origin)
        && origin.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(origin.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static IPAddress Normalize(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static Task Reject(HttpContext context, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
}
