using System.Net;
using Akka.Actor;
using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Policy;
using MailCluster.Core.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// /api/policy/test runs <see cref="PolicyProbe"/> against the policy the node enforces right now (after any reload);
/// /api/config/validate checks HOCON text as the node would at startup.
/// </summary>
public static class PolicyEndpoints
{
    public static void Map(IEndpointRouteBuilder app, IActorRef relayPolicy, TimeSpan timeout)
    {
        app.MapPost("/api/policy/test", async (PolicyTestRequest request) =>
        {
            if (request.Ip is null || !IPAddress.TryParse(request.Ip.Trim('[', ']'), out var ip)) return BadRequest("ip must be an IPv4 or IPv6 address");
            if (string.IsNullOrEmpty(request.Helo)) return BadRequest("helo is required");
            if (request.From is null) return BadRequest("from is required (\"\" for the null sender)");
            if (request.To is not { Count: > 0 }) return BadRequest("at least one recipient in to is required");
            var policy = await relayPolicy.Ask<PolicySnapshot>(new RelayPolicyProtocol.GetPolicy(), timeout);
            var probe = new PolicyProbeRequest(request.Listener ?? "mx", ip, request.Helo, request.From, request.To, request.Auth);
            var lines = PolicyProbe.Run(policy, probe).Select(View).ToList();
            // DNSBL zones are not queried here: a test should not leak the probed address to the lists.
            return Results.Ok(new PolicyTestResult(lines.All(l => l.Verdict == "permit"),
                policy.DnsblZones.Count > 0 ? "DNSBL not consulted; reject-rbl-client is evaluated as not listed" : null, lines));
        });

        app.MapPost("/api/config/validate", async (HttpRequest http) =>
        {
            var hocon = await new StreamReader(http.Body).ReadToEndAsync();
            IReadOnlyList<ConfigProblem> problems;
            try
            {
                var user = MailClusterConfig.Parse(hocon, "request");
                problems = NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user).Problems;
            }
            catch (ConfigValidationException ex) { problems = ex.Problems; }
            var views = problems.Select(p => new ConfigProblemView(p.Severity.ToString().ToLowerInvariant(), p.Path, p.Reason)).ToList();
            return Results.Ok(new ConfigValidateResult(problems.All(p => p.Severity != ProblemSeverity.Error), views));
        }).WithMetadata(new AcceptsAnyContentType()); // changes nothing; its body is HOCON text
    }

    private static PolicyTestLine View(PolicyProbeLine line)
    {
        var reply = line.Verdict switch { Reject r => r.Reply, Defer d => d.Reply, _ => null };
        var verdict = line.Verdict switch { Reject => "reject", Defer => "defer", _ => "permit" };
        return new PolicyTestLine(line.Stage, line.Address, verdict, line.Verdict.Rule, reply?.Code, reply?.EnhancedCode,
            reply is null ? null : string.Join(" ", reply.Lines));
    }

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad policy test request", detail: detail);
}
