using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using MailCluster.Cluster.Admin;
using MailCluster.Cluster.Inbound.Connection;
using MailCluster.Cluster.Inbound.Listener;
using MailCluster.Cluster.Bounce;
using MailCluster.Cluster.Delivery;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Metrics;
using MailCluster.Cluster.Policy;
using MailCluster.Cluster.Policy.RateLimit;
using MailCluster.Cluster.Queue;
using MailCluster.Core.Auth;
using MailCluster.Core.Routing;
using MailCluster.Core.Dnsbl;
using MailCluster.Core.Spool;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// A running node: the spool, the actor system and its SMTP listeners. Used by the executable and, in-process,
/// by the protocol tests, so both run the same startup path.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly Dictionary<string, IActorRef> _listeners;

    public NodeSettings Settings { get; }
    public ActorSystem System { get; }
    public IMessageSpool Spool { get; }
    public IReadOnlyDictionary<string, IPEndPoint> Endpoints { get; }
    public IActorRef RelayPolicy { get; }

    /// <summary>The node's log sink (mailcluster.logging); Akka's events and the mail log go through it too.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The shard region of the next-hop queues: send it any <see cref="IQueueCommand"/>.</summary>
    public IActorRef Queues { get; }

    public IMessageAcceptance Acceptance { get; }

    /// <summary>Durable writes of accepted messages in progress: ingress back-pressure (storage.max-pending-writes).</summary>
    public PendingWrites PendingWrites { get; }

    /// <summary>The node's bound on AUTH password hashes at once (auth.password-checks); its count shows which attempts cost one.</summary>
    public required PasswordCheckGate PasswordChecks { get; init; }

    /// <summary>The admin HTTP API, when mailcluster.admin.enabled; its Endpoint is the bound address (port 0 resolved).</summary>
    public AdminServer? Admin { get; private set; }

    private readonly RoutingHolder _routing;

    /// <summary>
    /// Applies a new configuration's policy (domains, networks, restriction lists, users, DNSBL) without touching
    /// sessions: each asks the policy actor per command, so the next RCPT already sees the new rules.
    /// Listener endpoints and limits are not reloaded; they need a restart.
    /// </summary>
    public async Task ReloadPolicyAsync(Config config, Config? userLayer = null)
    {
        var settings = NodeSettingsLoader.Load(config, userLayer);
        await RelayPolicy.Ask<RelayPolicyProtocol.PolicyReloaded>(new RelayPolicyProtocol.ReloadPolicy(settings.Policy), TimeSpan.FromSeconds(10));
        _routing.Current = settings.Routing;
    }

    /// <summary>Routing is swapped whole on reload; messages being accepted finish with the table they started with.</summary>
    private sealed class RoutingHolder(RoutingTable initial)
    {
        private volatile RoutingTable _current = initial;
        public RoutingTable Current { get => _current; set => _current = value; }
    }

    private NodeHost(NodeSettings settings, ActorSystem system, IMessageSpool spool,
        Dictionary<string, IActorRef> listeners, Dictionary<string, IPEndPoint> endpoints, IActorRef relayPolicy,
        IActorRef queues, IMessageAcceptance acceptance, RoutingHolder routing, ILoggerFactory loggerFactory, PendingWrites pendingWrites)
    {
        PendingWrites = pendingWrites;
        LoggerFactory = loggerFactory;
        Queues = queues;
        Acceptance = acceptance;
        _routing = routing;
        RelayPolicy = relayPolicy;
        Settings = settings;
        System = system;
        Spool = spool;
        _listeners = listeners;
        Endpoints = endpoints;
    }

    /// <param name="config">The layered config (user file over reference.conf).</param>
    /// <param name="userLayer">The user layer alone, checked for unknown keys.</param>
    /// <param name="logOutput">Where log lines go; stdout when null (tests pass a writer to read them back).</param>
    public static async Task<NodeHost> StartAsync(Config config, Config? userLayer = null, TextWriter? logOutput = null)
    {
        var settings = NodeSettingsLoader.Load(config, userLayer);
        var loggerFactory = NodeLogging.CreateFactory(settings.Logging ?? LoggingSettings.Default, logOutput);
        Directory.CreateDirectory(settings.DataDir);
        var certificate = DevelopmentCertificate.Resolve(settings);
        var spool = await SpoolFactory.OpenAsync(settings.Storage);
        var sockets = new Dictionary<string, Socket>();
        try
        {
            // A queue-only node runs no SMTP listeners.
            if (settings.Cluster.IsIngress)
                foreach (var listener in settings.Listeners) sockets[listener.Name] = BindOrExplain(listener);
        }
        catch
        {
            foreach (var s in sockets.Values) s.Dispose();
            await spool.DisposeAsync();
            throw;
        }

        if (!settings.Storage.IsPostgres) AkkaBootstrap.PrepareJournalFile(settings.Storage.JournalPath);
        var system = ActorSystem.Create("mailcluster",
            BootstrapSetup.Create().WithConfig(AkkaBootstrap.Build(settings, config)).And(new LoggerFactorySetup(loggerFactory)));

        if (settings.Discovery?.IsKubernetes == true) await Discovery.KubernetesDiscovery.StartAsync(system, settings.Discovery);
        else await JoinClusterAsync(system, settings.Cluster);
        var rateCounters = RateCounterActor.StartSharding(system, settings.Queue.MaxShards);
        var passwordChecks = (settings.PasswordChecks ?? PasswordCheckLimits.Default).CreateGate();
        var relayPolicy = system.ActorOf(RelayPolicyActor.Props(settings.Policy, o => new DnsClientDnsblLookup(o), rateCounters, passwordChecks),
            "relay-policy");

        var routing = new RoutingHolder(settings.Routing);
        MessageAcceptance? acceptance = null;
        var bounces = system.ActorOf(BounceActor.Props(spool, () => acceptance!, settings.HostName), "bounce");
        var transports = new DeliveryTransportFactory(settings.Delivery, settings.HostName);
        var queues = QueueSharding.Start(system, new QueueServices(spool, transports, bounces, settings.Queue), settings.Cluster.IsQueue);
        system.ActorOf(ClusterMetricsActor.Props(settings.Cluster.IsQueue ? queues : null), "cluster-metrics");
        acceptance = new MessageAcceptance(spool, queues, () => routing.Current, settings.Queue.EnqueueTimeout);

        var pendingWrites = new PendingWrites(settings.Storage.MaxPendingWrites);
        var services = new InboundServices(acceptance, relayPolicy, certificate, settings.Storage.WriteTimeout, settings.PolicyTimeout, pendingWrites);
        var listeners = new Dictionary<string, IActorRef>();
        var endpoints = new Dictionary<string, IPEndPoint>();
        foreach (var listener in settings.Listeners.Where(l => sockets.ContainsKey(l.Name)))
        {
            var socket = sockets[listener.Name];
            endpoints[listener.Name] = (IPEndPoint)socket.LocalEndPoint!;
            listeners[listener.Name] = system.ActorOf(SmtpListenerActor.Props(socket,
                listener with { PerIpLimitExceptions = settings.Policy.Rules.Mynetworks }, services), $"listener-{listener.Name}");
        }
        var host = new NodeHost(settings, system, spool, listeners, endpoints, relayPolicy, queues, acceptance, routing, loggerFactory, pendingWrites)
        {
            PasswordChecks = passwordChecks,
        };
        if (settings.Admin is { Enabled: true } admin)
        {
            try { host.Admin = await AdminServer.StartAsync(host, admin); }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }
        return host;
    }

    /// <summary>No seeds: join ourselves and form a cluster of one, so sharding runs the same code as in a cluster.</summary>
    private static async Task JoinClusterAsync(ActorSystem system, ClusterSettings settings)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (settings.SeedNodes.Count == 0) cluster.Join(cluster.SelfAddress);
        else cluster.JoinSeedNodes(settings.SeedNodes.Select(Address.Parse));
        if (settings.SeedNodes.Count == 0) await up.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static Socket BindOrExplain(ListenerSettings listener)
    {
        try { return SmtpListenerActor.Bind(listener.Endpoint); }
        catch (SocketException ex)
        {
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error,
                $"mailcluster.smtp.listeners.{listener.Name}.endpoint", $"cannot listen on {listener.Endpoint}: {ex.Message}")]);
        }
    }

    private async Task<int> ActiveSessionsAsync()
    {
        var total = 0;
        foreach (var name in _listeners.Keys)
        {
            try { total += await ActiveSessionsAsync(name); }
            catch (AskTimeoutException) { }
        }
        return total;
    }

    public async Task<int> ActiveSessionsAsync(string listener) =>
        (await _listeners[listener].Ask<SmtpListenerProtocol.ActiveSessions>(new SmtpListenerProtocol.GetActiveSessions(), TimeSpan.FromSeconds(5))).Count;

    /// <summary>
    /// Graceful stop: drain the listeners (421 4.3.2 for anyone new or idle, messages in transfer finish within
    /// shutdown-grace), then CoordinatedShutdown leaves the cluster, which hands this node's shards to the others.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Admin is not null) await Admin.DisposeAsync();
        foreach (var listener in _listeners.Values) listener.Tell(new SmtpListenerProtocol.Drain());
        var deadline = DateTime.UtcNow + (Settings.ShutdownGrace > TimeSpan.Zero ? Settings.ShutdownGrace : TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline && await ActiveSessionsAsync() > 0) await Task.Delay(50);
        foreach (var listener in _listeners.Values) listener.Tell(new SmtpListenerProtocol.StopAccepting());
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        await Spool.DisposeAsync();
        LoggerFactory.Dispose();
    }
}
