using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailCluster.Cluster.Admin;
using MailCluster.TestSupport;
using static MailCluster.Protocol.Tests.Delivery.DeliveryHarness;

namespace MailCluster.Protocol.Tests.Admin;

/// <summary>A node relaying relay.test to a sink with smtp delivery held, so mail waits in a queue until flushed.</summary>
internal sealed class AdminHarness : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SmtpSink Sink { get; }
    public SmtpSink Senders { get; }
    public TestNode Node { get; }
    public HttpClient Http { get; }
    public string Hop => SinkRoute(Sink);
    public string Url => $"http://{Node.Host.Admin!.Endpoint}";

    private AdminHarness(SmtpSink sink, SmtpSink senders, TestNode node, string? token)
    {
        Sink = sink;
        Senders = senders;
        Node = node;
        Http = new HttpClient { BaseAddress = new Uri(Url) };
        if (token is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static async Task<AdminHarness> StartAsync(string? token = null, string extraConfig = "")
    {
        var sink = SmtpSink.Start();
        var senders = SmtpSink.Start();
        var node = await TestNode.StartAsync(Config($$"""
            mailcluster.relay-domains = ["relay.test", "origin.test"]
            mailcluster.routing.transports { "relay.test" = "{{SinkRoute(sink)}}", "origin.test" = "{{SinkRoute(senders)}}" }
            mailcluster.queue.defer-transports = ["smtp"]
            {{(token is null ? "" : $"mailcluster.admin.token = \"{token}\"")}}
            {{extraConfig}}
            """));
        return new AdminHarness(sink, senders, node, token);
    }

    /// <summary>Sends a message from sender@origin.test and returns its queue id.</summary>
    public async Task<string> SendAsync(params string[] recipients) =>
        (await Delivery.DeliveryHarness.SendAsync(Node, "sender@origin.test", recipients, Body("admin test"))).Split(' ').Last().Trim();

    public async Task<T> GetAsync<T>(string path)
    {
        var response = await Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async Task<OperationResult> PostAsync(string path, object? body = null)
    {
        var response = await Http.PostAsJsonAsync(path, body ?? new { }, Json);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<OperationResult>(Json))!;
    }

    public async Task<QueueSummaryView> SummaryAsync() =>
        Assert.Single(await GetAsync<List<QueueSummaryView>>("/api/queues"), q => q.HopKey == Hop);

    public static string Escape(string hop) => Uri.EscapeDataString(hop);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Node.DisposeAsync();
        await Sink.DisposeAsync();
        await Senders.DisposeAsync();
    }
}
