using System.Net;
using System.Net.Http.Json;
using System.Text;
using MailCluster.Cluster.Admin;
using static MailCluster.Protocol.Tests.Admin.AdminHarness;

namespace MailCluster.Protocol.Tests.Admin;

/// <summary>Token enforcement, health, metrics, cluster view, policy test and config validate on a running node.</summary>
public sealed class AdminNodeTests
{
    [Fact]
    public async Task A_configured_token_is_required_except_for_health_probes()
    {
        await using var admin = await AdminHarness.StartAsync(token: "s3cret");
        using var anonymous = new HttpClient { BaseAddress = new Uri(admin.Url) };
        var refused = await anonymous.GetAsync("/api/queues");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/api/queues")).StatusCode);
    }

    [Fact]
    public async Task Health_is_live_and_ready_on_a_running_node()
    {
        await using var admin = await AdminHarness.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/health/live")).StatusCode);
        var ready = await admin.Http.GetAsync("/health/ready");
        Assert.True(ready.StatusCode == HttpStatusCode.OK, await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_and_count_accepted_messages()
    {
        await using var admin = await AdminHarness.StartAsync();
        var before = AcceptedCount(await admin.Http.GetStringAsync("/metrics"));
        await admin.SendAsync("m@relay.test");
        var response = await admin.Http.GetAsync("/metrics");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(AcceptedCount(text) >= before + 1, text);
        Assert.Contains("# TYPE mailcluster_accept_latency_seconds histogram", text);
        Assert.Contains("# TYPE mailcluster_messages_accepted_total counter", text);
    }

    /// <summary>The value of the accepted counter; other in-process nodes (parallel tests) may add to it too.</summary>
    private static double AcceptedCount(string text) =>
        text.Split('\n').Where(l => l.StartsWith("mailcluster_messages_accepted_total", StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => double.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Sum();

    [Fact]
    public async Task Cluster_view_shows_this_node_up_with_both_roles_and_its_queue_shards()
    {
        await using var admin = await AdminHarness.StartAsync();
        await admin.SendAsync("h@relay.test");
        var cluster = await admin.GetAsync<ClusterView>("/api/cluster");
        var self = Assert.Single(cluster.Members);
        Assert.True(self.IsSelf);
        Assert.Equal("Up", self.Status);
        Assert.Contains("queue", self.Roles);
        Assert.Contains("ingress", self.Roles);
        Assert.True(Assert.Single(cluster.QueueShards).Entities >= 1);
    }

    [Fact]
    public async Task Policy_test_uses_the_live_policy_and_config_validate_reports_problems()
    {
        await using var admin = await AdminHarness.StartAsync();
        var response = await admin.Http.PostAsJsonAsync("/api/policy/test",
            new PolicyTestRequest(null, "192.0.2.7", "client.example", "x@elsewhere.example", ["a@relay.test", "v@victim.example"], null), Json);
        var result = (await response.Content.ReadFromJsonAsync<PolicyTestResult>(Json))!;
        Assert.False(result.Permitted);
        Assert.Equal(["permit", "permit", "reject"], result.Results.Select(l => l.Verdict));
        Assert.Equal("reject-unauth-destination", result.Results[^1].Rule);

        var bad = await admin.Http.PostAsync("/api/config/validate", new StringContent("mailcluster.admin.endpoint = \"0.0.0.0:8025\"", Encoding.UTF8, "text/plain"));
        var validated = (await bad.Content.ReadFromJsonAsync<ConfigValidateResult>(Json))!;
        Assert.False(validated.Valid);
        Assert.Contains(validated.Problems, p => p.Path == "mailcluster.admin.token");
        var good = await admin.Http.PostAsync("/api/config/validate", new StringContent("mailcluster.hostname = \"mx.example\"", Encoding.UTF8, "text/plain"));
        Assert.True((await good.Content.ReadFromJsonAsync<ConfigValidateResult>(Json))!.Valid);
    }
}
