using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using MailCluster.Cluster.Bounce;
using MailCluster.Cluster.Delivery;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Queue.Decisions;
using MailCluster.Core.Delivery;
using MailCluster.Core.Queue;
using MailCluster.Core.Routing;
using static MailCluster.Cluster.Delivery.DeliveryProtocol;

namespace MailCluster.Cluster.Queue;

/// <summary>
/// The queue for one next hop (sharded entity, event-sourced). It owns the entries for its destination, runs up to a
/// window of delivery workers, records every outcome as an event, schedules retries, fails expired entries and hands
/// failures to the bounce actor. Every state change is journaled before anyone is told about it.
/// </summary>
public sealed partial class NextHopQueueActor : ReceivePersistentActor, IWithTimers
{
    private sealed class Tick : INotInfluenceReceiveTimeout
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Work after enqueues: one pass for however many enqueues are in the mailbox, since a pass scans the queue.</summary>
    private sealed class WorkSoon
    {
        public static readonly WorkSoon Instance = new();
    }

    private bool _workSoonPending;

    private sealed record BounceDone(string QueueId, IReadOnlyList<string> Recipients, string BounceQueueId, bool DelayWarning);

    private sealed record BounceNotDone(string Key, string Reason);

    /// <summary>The sharded entity id: the hop key, with "#n" for partition n of a partitioned hop.</summary>
    private readonly string _entityId;
    /// <summary>The next hop this queue delivers to (the same for all its partitions), as its key and typed.</summary>
    private readonly string _hop;
    /// <summary>Null only for an entity id that is no next hop: its deliveries then fail with 5.3.5.</summary>
    private readonly NextHop? _nextHop;
    private readonly QueueServices _services;
    private readonly DestinationRateLimiter _rates;
    private readonly DestinationPolicy _policy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly MailLog _mailLog = MailLog.For(Context);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly QueueTraces _traces = new();
    /// <summary>Each worker and the message it is delivering (null between jobs).</summary>
    private readonly Dictionary<IActorRef, string?> _workers = [];

    /// <summary>
    /// Workers with an open connection and nothing to do, and since when. Like Postfix's connection cache, they wait a
    /// moment for the next message instead of paying a new connect and EHLO for every one.
    /// </summary>
    private readonly Dictionary<IActorRef, DateTimeOffset> _idle = [];
    private static readonly TimeSpan IdleConnectionTime = TimeSpan.FromSeconds(2);
    private readonly HashSet<string> _bouncing = new(StringComparer.Ordinal);
    private QueueState _state = QueueState.Empty;
    private ConcurrencyWindow _concurrency;
    /// <summary>
    /// On a defer-transports queue, the messages an operator flushed: each gets one attempt, as with Postfix's
    /// defer_transports and postqueue -f; what arrives later, or is released from hold later, waits for the next flush.
    /// </summary>
    private readonly HashSet<string> _flushing = new(StringComparer.Ordinal);
    /// <summary>A due message waited for the rate limit in the last pass.</summary>
    private bool _rateLimited;

    public override string PersistenceId { get; }
    public ITimerScheduler Timers { get; set; } = null!;

    public NextHopQueueActor(string entityId, QueueServices services)
    {
        _entityId = entityId;
        var key = QueueKey.Parse(entityId);
        _hop = key.Hop;
        _nextHop = NextHop.TryParse(_hop, out var hop) ? hop : null;
        _services = services;
        // A partition works within its share of the hop's cluster-wide window and rates.
        _policy = (_nextHop is null ? services.Settings.Defaults : services.Settings.For(_nextHop)).ForPartition(key.Partition);
        _concurrency = NewWindow();
        _rates = new DestinationRateLimiter(_policy.Rates, Now);
        PersistenceId = "queue-" + entityId;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not QueueSnapshot snapshot) return;
            _state = QueueState.FromSnapshot(snapshot);
            foreach (var r in snapshot.Retiring ?? [])
                _retiring[r.QueueId] = new HashSet<string>(r.Recipients, StringComparer.Ordinal);
        });
        Recover<IQueueEvent>(e => _state = _state.Replay(e));

        Command<EnqueueRecipients>(OnEnqueue);
        Command<DeliveryReport>(OnReport);
        Command<BounceDone>(OnBounceDone);
        Command<BounceNotDone>(failed =>
        {
            _bouncing.Remove(failed.Key);
            _log.Warning("queue {0}: bounce for {1} not queued yet, will retry: {2}", _entityId, failed.Key, failed.Reason);
            Timers.StartSingleTimer("bounce-retry", Tick.Instance, BounceRetryDelay);
        });
        Command<Tick>(_ =>
        {
            ReportDepth(full: true);
            Work();
        });
        Command<WorkSoon>(_ =>
        {
            _workSoonPending = false;
            ReportDepth(full: false);
            if (!IsWriting) Work();
        });
        Command<Terminated>(t => OnWorkerGone(t.ActorRef));
        Command<ReceiveTimeout>(_ => PassivateIfIdle());
        Command<HandOff>(_ => OnHandOff());
        OperationCommands();
        SnapshotCommands();
        SpoolCommands();
    }

    public static Akka.Actor.Props Props(string entityId, QueueServices services) =>
        Akka.Actor.Props.Create(() => new NextHopQueueActor(entityId, services));

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    protected override void OnReplaySuccess()
    {
        Context.SetReceiveTimeout(_services.Settings.PassivateIdleAfter);
        // Retirements a snapshot recorded as unfinished are done again (idempotent) before their rows could come back.
        foreach (var (queueId, recipients) in _retiring.Select(r => (r.Key, r.Value.ToList())).ToList()) Retire(queueId, recipients);
        // Nothing starts before the first spool merge (OnSpoolLoaded runs Work): the snapshot and the journal may still
        // hold messages that were delivered since, whose rows are gone.
        LoadFromSpool();
    }

    /// <summary>Entries are taken into memory only (<see cref="QueueDecider"/>: their spool rows are the durable record).</summary>
    private void OnEnqueue(EnqueueRecipients command)
    {
        _traces.Enqueued(command, _entityId);
        var decision = Decide(new QueueCommand.Enqueue(command.Entries, IsFinishedHere));
        Carry(decision);
        Sender.Tell(new RecipientsAccepted(_entityId, command.Entries.FirstOrDefault()?.QueueId ?? "", command.Entries.Count));
        if (decision.Affected > 0) RequestWork();
    }

    private void RequestWork()
    {
        if (_workSoonPending) return;
        _workSoonPending = true;
        Self.Tell(WorkSoon.Instance);
    }

    /// <summary>
    /// Starts workers for due messages up to the window, expires old entries and retries unfinished bounces, then sleeps
    /// until the next thing is due (<see cref="ScheduleWakeUp"/>).
    /// </summary>
    private void Work()
    {
        if (_handingOff)
        {
            StopIfHandedOff();
            return;
        }
        if (!_spoolLoaded) return;
        var now = Now;
        _rateLimited = false;
        try
        {
            StartWork(now);
        }
        finally
        {
            ScheduleWakeUp(now);
        }
    }

    private void StartWork(DateTimeOffset now)
    {
        ExpireOverdue(now);
        StartPendingBounces();
        StartDelayWarnings(now);
        CloseIdleWorkers(now);
        if (_flushing.Count > 0) _flushing.RemoveWhere(id => _state.Find(id) is null);
        if (IsDeferredTransport && _flushing.Count == 0) return;
        while (_idle.Count > 0 && !_concurrency.IsDead(now) && NextJob(now) is { } reuse)
        {
            var worker = _idle.Keys.First();
            _idle.Remove(worker);
            _workers[worker] = reuse.QueueId;
            worker.Tell(reuse);
        }
        while (_concurrency.CanStart(_workers.Count, now))
        {
            if (!_rates.CanConnect(now))
            {
                _rateLimited |= _state.Due(now, _inFlight).Any(m => MayStart(m.QueueId));
                break;
            }
            if (NextJob(now) is not { } job) break;
            _rates.Connected(now);
            var worker = Context.ActorOf(DeliveryWorkerActor.Props(_hop, _services.Transports, _services.Spool, _services.Settings.JobTimeout));
            Context.Watch(worker);
            _workers[worker] = job.QueueId;
            worker.Tell(job);
        }
    }

    private DeliveryJob? NextJob(DateTimeOffset now)
    {
        if (QueueDecider.NextJob(_state, _inFlight, MayStart, now) is not var (message, recipients)) return null;
        if (!_rates.TryStartMessage(now))
        {
            _rateLimited = true; // Work sleeps until the next token (NextWakeUp)
            return null;
        }
        _inFlight.Add(message.QueueId);
        return new DeliveryJob(message.QueueId, message.Sender, recipients, _traces.For(message.QueueId));
    }

    /// <summary>Whether a due message may be attempted: always, except on a defer-transports queue until it is flushed.</summary>
    private bool MayStart(string queueId) => !IsDeferredTransport || _flushing.Contains(queueId);

    private bool IsDeferredTransport => _nextHop is not null && _services.Settings.IsDeferred(_nextHop);

    private void OnReport(DeliveryReport report)
    {
        var worker = Sender;
        Record(report);
        _flushing.Remove(report.QueueId); // its one flushed attempt is made
        // A full pass scans the queue: only when the window may start more workers than run now, or this one stops.
        // Journaled outcomes (deferrals, failures) run a pass after their write anyway.
        if (report.WorkerStopping || _concurrency.CanStart(_workers.Count, Now)) RequestWork();
        AdjustWindow(report);
        _workers[worker] = null;
        if (report.WorkerStopping) return;
        if (_handingOff)
        {
            RetireWorker(worker);
            return;
        }
        // A shrunken window retires workers as they finish; a dead destination gets no new jobs.
        var next = _concurrency.CanStart(_workers.Count - 1, Now) ? NextJob(Now) : null;
        if (next is not null)
        {
            _workers[worker] = next.QueueId;
            worker.Tell(next);
        }
        else if (_concurrency.IsDead(Now) || _workers.Count > _concurrency.Limit)
        {
            worker.Tell(new NoMoreWork());
            _workers.Remove(worker);
        }
        else
        {
            _idle[worker] = Now;
            RequestWork(); // its pass sets the timer that closes the connection if nothing comes
        }
    }

    private void CloseIdleWorkers(DateTimeOffset now)
    {
        foreach (var (worker, _) in _idle.Where(w => now - w.Value >= IdleConnectionTime).ToList()) RetireWorker(worker);
    }

    /// <summary>
    /// Slow start in the spirit of Postfix's qmgr: one more connection per success, half as many per connection failure,
    /// and after a few failures in a row the destination is paused ("dead") for the minimum backoff.
    /// </summary>
    private void AdjustWindow(DeliveryReport report)
    {
        if (report.ConnectionFailed)
        {
            if (_concurrency.OnConnectionFailure(Now))
                _log.Info("queue {0}: destination unreachable, paused until {1:u}: {2}", _entityId, _concurrency.DeadUntil,
                    report.Results.FirstOrDefault()?.Diagnostic);
        }
        else if (report.Results.Any(r => r.Status == DeliveryStatus.Delivered))
            _concurrency.OnSuccess();
    }

    private ConcurrencyWindow NewWindow() => new(new ConcurrencyOptions(
        Math.Min(_policy.InitialConcurrency, _policy.MaxConcurrency), _policy.MaxConcurrency,
        deadAfterFailures: 3, deadBackoff: _policy.Retry.MinimumBackoff));

    /// <summary>A worker that died mid-job leaves its entries untouched, so they are simply due again.</summary>
    private void OnWorkerGone(IActorRef worker)
    {
        _idle.Remove(worker);
        if (_workers.Remove(worker, out var queueId) && queueId is not null) _inFlight.Remove(queueId);
        Self.Tell(Tick.Instance);
    }

    private void PassivateIfIdle()
    {
        if (_state.IsEmpty && _workers.Count == 0 && !IsWriting && _retiring.Count == 0 && !_spoolLoading)
            Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }
}
