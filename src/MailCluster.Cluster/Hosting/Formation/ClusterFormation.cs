using Akka.Actor;
using Akka.Event;

namespace MailCluster.Cluster.Hosting.Formation;

/// <summary>
/// Joins the seed nodes under the formation lease (see <see cref="FormationDecision"/>), then, once this node is Up,
/// renews the lease for as long as the actor system runs. Until it is Up the decision is taken again at every renewal
/// period, so a node that waited for a cluster that has since gone may form one once the lease has expired.
/// </summary>
public static class ClusterFormation
{
    public static void Start(ActorSystem system, ClusterSettings settings, string connectionString)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var lease = new PostgresFormationLease(connectionString);
        var stop = new CancellationTokenSource();
        system.RegisterOnTermination(() =>
        {
            stop.Cancel();
            _ = lease.DisposeAsync().AsTask();
        });
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        _ = Task.Run(() => RunAsync(system.Log, cluster, settings, lease, up.Task, stop.Token));
    }

    private static async Task RunAsync(ILoggingAdapter log, Akka.Cluster.Cluster cluster, ClusterSettings settings,
        PostgresFormationLease lease, Task up, CancellationToken ct)
    {
        var self = cluster.SelfAddress.ToString();
        var ttl = settings.FormationLease.Ttl;
        IReadOnlyList<string>? joined = null;
        try
        {
            while (!up.IsCompleted)
            {
                var read = await ReadOrNullAsync(log, lease, ct);
                var seeds = FormationDecision.SeedsToJoin(settings.SeedNodes, self, read?.Age, ttl);
                if (joined is null || !seeds.SequenceEqual(joined))
                {
                    if (read is { } live && !FormationDecision.MayForm(live.Age, ttl))
                        log.Info("cluster formation: lease renewed {0:0.0} s ago by {1}; joining the other seeds only, never forming a cluster alone",
                            live.Age.TotalSeconds, live.Holder);
                    else log.Info("cluster formation: no cluster renewed the lease within {0}; joining the seeds, first seed may form", ttl);
                    if (seeds.Count > 0) cluster.JoinSeedNodes(seeds.Select(Address.Parse));
                    joined = seeds;
                }
                await Task.WhenAny(up, Task.Delay(settings.FormationLease.RenewEvery, ct));
            }
            while (!ct.IsCancellationRequested)
            {
                try { await lease.RenewAsync(self, ct); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.Warning("cluster formation: lease renewal failed: {0}", ex.Message);
                }
                await Task.Delay(settings.FormationLease.RenewEvery, ct);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>A database that cannot be read says nothing: keep waiting rather than risk forming a second cluster.</summary>
    private static async Task<(TimeSpan Age, string Holder)?> ReadOrNullAsync(ILoggingAdapter log, PostgresFormationLease lease, CancellationToken ct)
    {
        try { return await lease.ReadAsync(ct) ?? (TimeSpan.MaxValue, "nobody"); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Warning("cluster formation: cannot read the lease ({0}); not forming a cluster until it can be read", ex.Message);
            return (TimeSpan.Zero, "unknown (database unreadable)");
        }
    }
}
