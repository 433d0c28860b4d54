using Akka.Actor;
using MailCluster.Cluster.Admin.Dashboard;
using MailCluster.Cluster.Metrics;

namespace MailCluster.Cluster.Admin.History;

/// <summary>
/// Samples this node's message counters and hosted queue depth every interval and keeps the last hour, so the dashboard
/// can chart the cluster's history without a Prometheus. One per node, at /user/throughput-history.
/// </summary>
public sealed class ThroughputHistoryActor : ReceiveActor, IWithTimers
{
    public const string Name = "throughput-history";
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly Queue<ThroughputSample> _samples = new();
    private readonly TimeSpan _interval;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string node, TimeSpan interval) => Akka.Actor.Props.Create(() => new ThroughputHistoryActor(node, interval));

    public ThroughputHistoryActor(string node, TimeSpan interval)
    {
        _interval = interval;
        var capacity = (int)Math.Ceiling(Window / interval) + 1;
        Receive<Tick>(_ =>
        {
            var stats = DashboardStats.Read(node);
            var queued = QueueGauges.ByTransport(stats.At).Sum(t => t.Messages);
            _samples.Enqueue(new ThroughputSample(stats.At, stats.Accepted, stats.Delivered, stats.Deferred, stats.Bounced, queued));
            while (_samples.Count > capacity) _samples.Dequeue();
        });
        Receive<GetThroughputHistory>(_ => Sender.Tell(new ThroughputHistory(node, _interval, _samples.ToList())));
    }

    protected override void PreStart()
    {
        DashboardStats.Start();
        Timers.StartPeriodicTimer("sample", Tick.Instance, TimeSpan.Zero, _interval);
    }
}
