using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailCluster.Cluster.Admin;
using static MailCluster.Protocol.Tests.Admin.AdminHarness;

namespace MailCluster.Protocol.Tests.Admin;

/// <summary>
/// DNS rebinding and cross-site requests against a real admin endpoint on loopback without a token: a page the
/// postmaster opens at evil.example can make the browser talk to 127.0.0.1:8025 under the Host "evil.example", or
/// send a form POST there. Neither may reach the queues; mailctl's and the dashboard's own requests still work.
/// </summary>
public sealed class AdminRequestGuardTests
{
    private static HttpRequestMessage Request(HttpMethod method, string path, string? host = null, string? origin = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (host is not null) request.Headers.Host = host;
        if (origin is not null) request.Headers.Add("Origin", origin);
        return request;
    }

    private static StringContent JsonBody(string json = "{}") => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_foreign_Host_is_misdirected_for_reads_writes_and_the_dashboard_and_deletes_nothing()
    {
        await using var admin = await AdminHarness.StartAsync();
        var id = await admin.SendAsync("r@relay.test");

        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Get, "/api/queues", host: "evil.example")), HttpStatusCode.MisdirectedRequest);
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Get, "/", host: $"evil.example:{admin.Node.Host.Admin!.Endpoint.Port}")),
            HttpStatusCode.MisdirectedRequest);
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Post, $"/api/messages/{id}/delete", host: "evil.example", content: JsonBody())),
            HttpStatusCode.MisdirectedRequest);
        // A name that merely starts with a loopback address or "localhost" is still someone else's name.
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Get, "/api/queues", host: "127.0.0.1.evil.example")), HttpStatusCode.MisdirectedRequest);
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Get, "/api/queues", host: "localhost.evil.example")), HttpStatusCode.MisdirectedRequest);

        Assert.Equal(1, await QueuedAsync(admin));
    }

    [Fact]
    public async Task The_endpoints_own_address_with_or_without_port_and_localhost_are_answered()
    {
        await using var admin = await AdminHarness.StartAsync();
        var port = admin.Node.Host.Admin!.Endpoint.Port;
        foreach (var host in new[] { $"127.0.0.1:{port}", "127.0.0.1", $"localhost:{port}", "LOCALHOST", $"[::ffff:127.0.0.1]:{port}" })
        {
            var response = await admin.Http.SendAsync(Request(HttpMethod.Get, "/api/queues", host: host));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Host: {host} -> {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/dashboard")).StatusCode);
    }

    [Fact]
    public async Task A_name_in_admin_allowed_hosts_is_answered()
    {
        await using var admin = await AdminHarness.StartAsync(extraConfig: """mailcluster.admin.allowed-hosts = ["Admin.Example"]""");
        var port = admin.Node.Host.Admin!.Endpoint.Port;
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.SendAsync(Request(HttpMethod.Get, "/api/queues", host: $"admin.example:{port}"))).StatusCode);
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Get, "/api/queues", host: "other.example")), HttpStatusCode.MisdirectedRequest);
    }

    [Fact]
    public async Task A_cross_origin_POST_is_forbidden_and_a_same_origin_one_is_not()
    {
        await using var admin = await AdminHarness.StartAsync();
        var id = await admin.SendAsync("o@relay.test");

        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Post, $"/api/messages/{id}/delete", origin: "http://evil.example", content: JsonBody())),
            HttpStatusCode.Forbidden);
        // Sandboxed frames and some redirects send "Origin: null"; it is not this origin either.
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Post, $"/api/messages/{id}/delete", origin: "null", content: JsonBody())),
            HttpStatusCode.Forbidden);
        // Same host, other port: another origin (any local web app).
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Post, $"/api/messages/{id}/delete", origin: "http://127.0.0.1:1", content: JsonBody())),
            HttpStatusCode.Forbidden);
        Assert.Equal(1, await QueuedAsync(admin));

        var same = await admin.Http.SendAsync(Request(HttpMethod.Post, $"/api/messages/{id}/hold", origin: admin.Url, content: JsonBody()));
        Assert.True(same.StatusCode == HttpStatusCode.OK, await same.Content.ReadAsStringAsync());
        Assert.Equal(1, (await admin.SummaryAsync()).Held);
    }

    [Fact]
    public async Task A_state_changing_request_without_a_JSON_content_type_is_unsupported()
    {
        await using var admin = await AdminHarness.StartAsync();
        var id = await admin.SendAsync("f@relay.test");

        var form = new FormUrlEncodedContent([new("domain", "relay.test")]);
        await AssertProblemAsync(await admin.Http.PostAsync("/api/messages/delete", form), HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(await admin.Http.PostAsync($"/api/messages/{id}/delete", new StringContent("{}", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
        // fetch(url, {method: "POST"}) with no body sends no Content-Type at all, and needs no CORS preflight.
        await AssertProblemAsync(await admin.Http.PostAsync($"/api/messages/{id}/delete", null), HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(await admin.Http.SendAsync(Request(HttpMethod.Delete, $"/api/messages/{id}")), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(1, await QueuedAsync(admin));

        var deleted = await admin.Http.PostAsync($"/api/messages/{id}/delete", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
        Assert.Equal(1, (await deleted.Content.ReadFromJsonAsync<OperationResult>(Json))!.Affected);
    }

    private static async Task<int> QueuedAsync(AdminHarness admin)
    {
        var summary = await admin.SummaryAsync();
        return summary.Active + summary.Deferred + summary.Held + summary.Delivering;
    }
}
