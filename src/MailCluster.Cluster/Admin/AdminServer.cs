using System.Net;
using System.Text.Json.Serialization;
using MailCluster.Cluster.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// The admin HTTP API (Kestrel, minimal API) inside the node: queues, messages, cluster, policy test, config validate,
/// health and metrics. Errors are RFC 7807 problem details.
/// </summary>
public sealed class AdminServer : IAsyncDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private readonly WebApplication _app;

    /// <summary>Where it actually listens (port 0 in the config becomes the port taken).</summary>
    public IPEndPoint Endpoint { get; }

    private AdminServer(WebApplication app, IPEndPoint endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public static async Task<AdminServer> StartAsync(NodeHost node, AdminSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "MailCluster.Admin" });
        // The node logs through Akka; ASP.NET Core's per-request console lines would only interleave with it.
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(settings.Endpoint));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<NotAnsweringHandler>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RequestGuard.Middleware(settings));
        app.Use(BearerToken.Middleware(settings.Token));

        var queues = new QueueDirectory(node.System, node.Queues, AskTimeout);
        QueueEndpoints.Map(app, queues);
        MessageEndpoints.Map(app, queues, node.Spool);
        RecentMailLogEndpoints.Map(app, node.System);
        ClusterEndpoints.Map(app, node.System, node.Queues, AskTimeout);
        PolicyEndpoints.Map(app, node.RelayPolicy, AskTimeout);
        HealthEndpoints.Map(app, node);
        MetricsEndpoint.Map(app);
        Dashboard.DashboardEndpoints.Map(app, node, queues);

        try { await app.StartAsync(); }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, "mailcluster.admin.endpoint",
                $"cannot listen on {settings.Endpoint}: {ex.GetBaseException().Message}")]);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(address);
        return new AdminServer(app, new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port));
    }

    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(deadline.Token);
        await _app.DisposeAsync();
    }
}
