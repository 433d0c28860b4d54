using Akka.Actor;
using Akka.Configuration;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;

namespace MailCluster.Cluster.Hosting.Discovery;

/// <summary>
/// Cluster formation on Kubernetes: Akka.Management serves HTTP on the management port, and Cluster Bootstrap lists
/// the pods matching the label selector through the Kubernetes API (Akka.Discovery.KubernetesApi; the pod's service
/// account needs get/list/watch on pods, see ops/kubernetes/rbac.yaml), probes their management ports, and once
/// required-contact-points pods agree, joins an existing cluster or forms a new one from the lowest address.
/// Used instead of joining cluster.seed-nodes, which must then be empty.
/// </summary>
public static class KubernetesDiscovery
{
    /// <summary>The name of the container port that carries Akka.Management (ops/kubernetes/statefulset.yaml).</summary>
    public const string ManagementPortName = "management";

    /// <summary>Starts Akka.Management and Cluster Bootstrap. Call once, after the ActorSystem starts, instead of JoinSeedNodes.</summary>
    public static async Task StartAsync(ActorSystem system, DiscoverySettings settings)
    {
        if (!settings.IsKubernetes)
            throw new InvalidOperationException($"cluster.discovery.method is '{settings.Method}', not kubernetes");
        await StartManagementAsync(system, settings);
        await ClusterBootstrap.Get(system).Start();
    }

    /// <summary>The HTTP half on its own (tests start it on loopback without a Kubernetes API).</summary>
    internal static async Task<Uri> StartManagementAsync(ActorSystem system, DiscoverySettings settings)
    {
        var advertised = Akka.Cluster.Cluster.Get(system).SelfAddress.Host ?? "127.0.0.1";
        // Before the first AkkaManagement/ClusterBootstrap/Discovery Get: the extensions read their settings once.
        // A top-level fallback loses to anything the operator set under akka.* explicitly.
        system.Settings.InjectTopLevelFallback(AkkaConfig(settings, advertised));
        try
        {
            return await AkkaManagement.Get(system).Start() ?? throw new InvalidOperationException("Akka.Management did not start");
        }
        catch (Exception ex) when (ex.InnerException is MissingMethodException missing)
        {
            // Akka.Http.Shim 1.5.73 is built against Ceen.Httpd 0.9.9; NuGet substitutes 0.9.10 where 0.9.9 is not
            // served, and 0.9.10 lacks the HttpServer.ListenAsync overload the shim calls.
            throw new InvalidOperationException(
                $"Akka.Management cannot start its HTTP endpoint on port {settings.ManagementPort}: {missing.Message} " +
                "(Akka.Http.Shim 1.5.73 needs Ceen.Httpd 0.9.9 exactly; check the restored Ceen.Httpd version)", ex);
        }
    }

    /// <summary>The akka.management / akka.discovery keys derived from mailcluster.cluster.discovery.</summary>
    internal static Config AkkaConfig(DiscoverySettings settings, string advertisedHostname)
    {
        var ns = settings.Namespace is null ? "" : $"pod-namespace = {Quote(settings.Namespace)}";
        return ConfigurationFactory.ParseString($$"""
            akka.discovery {
              method = kubernetes-api
              kubernetes-api {
                pod-label-selector = {{Quote(settings.PodLabelSelector)}}
                {{ns}}
              }
            }
            akka.management {
              http {
                hostname = {{Quote(advertisedHostname)}}
                port = {{settings.ManagementPort}}
                bind-hostname = {{Quote(settings.ManagementBindHostname)}}
                bind-port = {{settings.ManagementPort}}
              }
              cluster.bootstrap {
                contact-point-discovery {
                  service-name = "mailcluster"
                  port-name = "{{ManagementPortName}}"
                  discovery-method = kubernetes-api
                  required-contact-point-nr = {{settings.RequiredContactPoints}}
                }
                contact-point.fallback-port = {{settings.ManagementPort}}
              }
            }
            """);
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
