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
    private readonly DataDirectoryLock _dataLock;

    /// <summary>
    /// Applies a new configuration's policy (domains, networks, restriction lists, users, DNSBL) without touching
    /// sessions: each asks the policy actor per command, so the next RCPT already sees the new rules.
    /// Listener endpoints and limits are not reloaded; they need a restart.
    /// </summary>
    /// <summary>SIGHUP: a renewed certificate file is used by new sessions from now on (the watch usually got there first).</summary>
    public bool ReloadCertificate() => _inbound?.Certificate?.Reload("SIGHUP") ?? false;

    public async Task ReloadPolicyAsync(Config config, Config? userLayer = null)
    {
        var settings = NodeSettingsLoader.Load(config, userLayer);
        await RelayPolicy.Ask<RelayPolicyProtocol.PolicyReloaded>(new RelayPolicyProtocol.ReloadPolicy(settings.Policy), TimeSpan.FromSeconds(10));
        _routing.Current = settings.Routing;
        // Who counts as ours follows the policy; the signing keys themselves are read at start only.
        if (_inbound?.Trust is { } trust) trust.Mynetworks = settings.Policy.Rules.Mynetworks;
    }

    /// <summary>Routing is swapped whole on reload; messages being accepted finish with the table they started with.</summary>
    private sealed class RoutingHolder(RoutingTable initial)
    {
        private volatile RoutingTable _current = initial;
        public RoutingTable Current { get => _current; set => _current = value; }
    }

    private NodeHost(NodeSettings settings, ActorSystem system, IMessageSpool spool,
        Dictionary<string, IActorRef> listeners, Dictionary<string, IPEndPoint> endpoints, IActorRef relayPolicy,
        IActorRef queues, IMessageAcceptance acceptance, RoutingHolder routing, ILoggerFactory loggerFactory, PendingWrites pendingWrites,
        DataDirectoryLock dataLock)
    {
        _dataLock = dataLock;
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
    /// <remarks>
    /// Order matters: lock the data directory, bind every endpoint, start the actor system and the admin API, and only
    /// then let the SMTP listeners listen. Anything that fails before the last step fails while no client has been
    /// accepted, so the node never says 220 and then exits.
    /// </remarks>
    public static async Task<NodeHost> StartAsync(Config config, Config? userLayer = null, TextWriter? logOutput = null)
    {
        var settings = NodeSettingsLoader.Load(config, userLayer);
        var loggerFactory = NodeLogging.CreateFactory(settings.Logging ?? LoggingSettings.Default, logOutput);
        var dataLock = DataDirectoryLock.Acquire(LockedDirectories(settings), "mailcluster.data-dir");
        EndpointReservation? endpoints = null;
        IMessageSpool? spool = null;
        ActorSystem? system = null;
        NodeHost? host = null;
        try
        {
            var akkaConfig = AkkaBootstrap.Build(settings, config);
            endpoints = EndpointReservation.Bind(settings, akkaConfig, userLayer);
            var certificate = settings.Tls.CertificatePath.Length > 0
                ? new Inbound.Tls.ServerCertificate(settings.Tls.CertificatePath, settings.Tls.CertificatePassword, loggerFactory.CreateLogger("MailCluster.Tls"))
                : DevelopmentCertificate.Resolve(settings) is { } development ? new Inbound.Tls.ServerCertificate(development) : null;
            spool = await SpoolFactory.OpenAsync(settings.Storage);
            if (!settings.Storage.IsPostgres) AkkaBootstrap.PrepareJournalFile(settings.Storage.JournalPath);
            endpoints.Release(EndpointReservation.Remoting);
            system = CreateActorSystem(akkaConfig, loggerFactory);
            host = await StartServicesAsync(settings, system, spool, endpoints, certificate, loggerFactory, dataLock);
            if (settings.Admin is { Enabled: true } admin)
            {
                endpoints.Release(EndpointReservation.Admin);
                host.Admin = await AdminServer.StartAsync(host, admin);
            }
            host.StartListeners(endpoints);
            return host;
        }
        catch
        {
            endpoints?.Dispose();
            if (host is not null) await host.DisposeAsync(); // also closes the spool and releases the lock
            else
            {
                if (system is not null) await system.Terminate();
                if (spool is not null) await spool.DisposeAsync();
                dataLock.Dispose();
                loggerFactory.Dispose();
            }
            throw;
        }
    }

    /// <summary>The data directory, and wherever else the SQLite files are (storage.sqlite.path may point elsewhere).</summary>
    private static IEnumerable<string> LockedDirectories(NodeSettings settings)
    {
        yield return settings.DataDir;
        if (settings.Storage.IsPostgres) yield break;
        foreach (var file in new[] { settings.Storage.SqlitePath, settings.Storage.JournalPath })
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir) yield return dir;
    }

    /// <summary>Everything Akka rejects at start is in its config (a taken remoting port, a bad akka.* value).</summary>
    private static ActorSystem CreateActorSystem(Config akkaConfig, ILoggerFactory loggerFactory)
    {
        try
        {
            return ActorSystem.Create("mailcluster", BootstrapSetup.Create().WithConfig(akkaConfig).And(new LoggerFactorySetup(loggerFactory)));
        }
        catch (Exception ex)
        {
            throw new ConfigValidationException([new ConfigProblem(ProblemSeverity.Error, "akka",
                $"the actor system did not start: {ex.GetBaseException().Message}")]);
        }
    }

    private static async Task<NodeHost> StartServicesAsync(NodeSettings settings, ActorSystem system, IMessageSpool spool,
        EndpointReservation endpoints, Inbound.Tls.ServerCertificate? certificate,
        ILoggerFactory loggerFactory, DataDirectoryLock dataLock)
    {
        if (certificate is not null) system.RegisterOnTermination(certificate.Dispose);
        if (Tracing.TracingExport.Start(settings.Tracing, settings.HostName) is { } tracer)
            system.RegisterOnTermination(() => tracer.Dispose()); // flushes the spans still batched
        // First, so that it hears the mail log from the start: the admin API's message trace reads it.
        system.ActorOf(Logging.Recent.RecentMailLogActor.Props(settings.HostName), Logging.Recent.RecentMailLogActor.Name);
        system.ActorOf(MailCluster.Cluster.Admin.History.ThroughputHistoryActor.Props(settings.HostName, (settings.Admin ?? MailCluster.Cluster.Admin.AdminSettings.Default).HistoryInterval),
            MailCluster.Cluster.Admin.History.ThroughputHistoryActor.Name);
        if (settings.Discovery?.IsKubernetes == true)
        {
            endpoints.Release(EndpointReservation.Management);
            await Discovery.KubernetesDiscovery.StartAsync(system, settings.Discovery);
        }
        else if (settings.UsesFormationLease) Formation.ClusterFormation.Start(system, settings.Cluster, settings.Storage.PostgresConnectionString);
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
        // The session gives up on the whole acceptance after write-timeout; the notice wait must end well before that,
        // or a stored message could be answered 451 (and sent again by the client).
        var noticeTimeout = TimeSpan.FromTicks(Math.Min(settings.Queue.EnqueueTimeout.Ticks, settings.Storage.WriteTimeout.Ticks / 2));
        var localQueues = new Queue.Placement.LocalQueueEntities();
        if (settings.Cluster.IsQueue) system.ActorOf(Queue.Placement.LocalQueuesWatcherActor.Props(queues, localQueues), "local-queues");
        var placement = new Queue.Placement.QueuePlacement(hop => settings.Queue.For(hop).Partitions, localQueues);
        acceptance = new MessageAcceptance(spool, queues, () => routing.Current, noticeTimeout, placement);
        system.ActorOf(Queue.Reconcile.QueueReconcilerActor.Props(spool, queues), "queue-reconciler");

        var pendingWrites = new PendingWrites(settings.Storage.MaxPendingWrites);
        var trust = new ClientTrust(settings.Policy.Rules.Mynetworks);
        var signing = settings.Dkim.Enabled ? new Signing.OutboundSigning(new Core.Dkim.DkimMessageSigner(settings.Dkim)) : null;
        var senderAuth = settings.SenderAuth is { Enabled: true } checks
            ? SenderAuth.InboundAuthentication.Create(checks)
            : null;
        var services = new InboundServices(acceptance, relayPolicy, certificate, settings.Storage.WriteTimeout, settings.PolicyTimeout, pendingWrites,
            trust, signing, senderAuth);
        // The endpoints are known (bound) already; the listeners start last, in StartListeners.
        var bound = endpoints.Smtp.ToDictionary(e => e.Key, e => (IPEndPoint)e.Value.LocalEndPoint!);
        return new NodeHost(settings, system, spool, [], bound, relayPolicy, queues, acceptance, routing, loggerFactory, pendingWrites, dataLock)
        {
            _inbound = services,
            PasswordChecks = passwordChecks,
        };
    }

    private InboundServices? _inbound;

    /// <summary>The last step of a start: the SMTP listeners listen and accept.</summary>
    private void StartListeners(EndpointReservation endpoints)
    {
        foreach (var listener in Settings.Listeners.Where(l => endpoints.Smtp.ContainsKey(l.Name)))
        {
            var socket = endpoints.TakeSmtp(listener.Name);
            // Here, not in the actor's PreStart: "node ready" is logged when StartAsync returns, and must mean accepting.
            socket.Listen(SmtpListenerActor.Backlog);
            _listeners[listener.Name] = System.ActorOf(SmtpListenerActor.Props(socket,
                listener with { PerIpLimitExceptions = Settings.Policy.Rules.Mynetworks }, _inbound!), $"listener-{listener.Name}");
        }
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
        _dataLock.Dispose(); // last: until the spool is closed, the directory is still this node's
        LoggerFactory.Dispose();
    }
}
