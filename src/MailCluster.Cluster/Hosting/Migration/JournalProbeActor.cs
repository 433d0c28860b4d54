using Akka.Actor;
using Akka.Persistence;

namespace MailCluster.Cluster.Hosting.Migration;

/// <summary>
/// Recovers an empty persistence id. Recovery reads the snapshot store and then the journal, and the SQL plugins
/// create their tables (auto-initialize) before they answer, so a completed recovery means both schemas exist.
/// </summary>
public sealed class JournalProbeActor : UntypedPersistentActor
{
    private readonly TaskCompletionSource _recovered;

    public JournalProbeActor(TaskCompletionSource recovered) => _recovered = recovered;

    public override string PersistenceId => "mailcluster-migration-probe";

    protected override void OnRecover(object message)
    {
        if (message is RecoveryCompleted) _recovered.TrySetResult();
    }

    protected override void OnCommand(object message) => Unhandled(message);

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _recovered.TrySetException(reason);
        base.OnRecoveryFailure(reason, message);
    }
}
