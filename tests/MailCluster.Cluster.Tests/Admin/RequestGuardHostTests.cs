using System.Net;
using MailCluster.Cluster.Admin;
using Microsoft.AspNetCore.Http;

namespace MailCluster.Cluster.Tests.Admin;

/// <summary>
/// Which Host headers the admin API answers (DNS rebinding): an IP literal of its own endpoint with or without port,
/// or a listed name; never a name that merely looks like one.
/// </summary>
public sealed class RequestGuardHostTests
{
    private static readonly IReadOnlySet<string> Names = new HashSet<string>(["localhost", "admin.example"], StringComparer.OrdinalIgnoreCase);

    private static bool Allowed(string host, string bound) => RequestGuard.HostAllowed(new HostString(host), IPAddress.Parse(bound), Names);

    [Theory]
    [InlineData("127.0.0.1:8025")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:1")] // a tunnel or port mapping changes the port the client typed, not the address
    [InlineData("[::ffff:127.0.0.1]:8025")]
    [InlineData("localhost:8025")]
    [InlineData("LocalHost")]
    [InlineData("localhost.")]
    [InlineData("admin.example:8025")]
    public void The_endpoints_own_literal_and_listed_names_are_allowed_on_loopback(string host) => Assert.True(Allowed(host, "127.0.0.1"), host);

    [Theory]
    [InlineData("")]
    [InlineData("evil.example")]
    [InlineData("evil.example:8025")]
    [InlineData("127.0.0.1.evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("evil-localhost")]
    [InlineData("127.0.0.2")]
    [InlineData("[::1]:8025")] // not the address this endpoint is bound to
    public void Other_names_and_other_addresses_are_refused_on_loopback(string host) => Assert.False(Allowed(host, "127.0.0.1"), host);

    [Fact]
    public void On_an_IPv6_loopback_endpoint_its_bracketed_literal_is_allowed()
    {
        Assert.True(Allowed("[::1]:8025", "::1"));
        Assert.True(Allowed("[::1]", "::1"));
        Assert.False(Allowed("evil.example", "::1"));
    }

    [Fact]
    public void On_a_wildcard_endpoint_any_literal_is_its_own_but_names_must_be_listed()
    {
        Assert.True(Allowed("10.1.2.3:8025", "0.0.0.0"));
        Assert.True(Allowed("[fd00::5]:8025", "::"));
        Assert.True(Allowed("admin.example", "0.0.0.0"));
        Assert.False(Allowed("evil.example", "0.0.0.0"));
    }
}
