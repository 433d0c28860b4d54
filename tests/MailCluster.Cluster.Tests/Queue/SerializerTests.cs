using Akka.Actor;
using Akka.Configuration;
using MailCluster.Cluster.Queue;
using MailCluster.Cluster.Serialization;

namespace MailCluster.Cluster.Tests.Queue;

public sealed class SerializerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.FromHours(1));
    private readonly ActorSystem _system = ActorSystem.Create("ser", ConfigurationFactory.ParseString(MailClusterSerializer.Hocon));

    public static TheoryData<object> Samples() =>
    [
        new EntriesAdded([new QueueEntry("Q1", "a@b.test", "alias@b.test", "", T0, 42)]),
        new RecipientsDelivered("Q1", ["a@b.test"], T0),
        new RecipientsDeferred("Q1", ["a@b.test"], "smtp; 451 4.3.0 later", T0.AddMinutes(5), T0),
        new RecipientsFailed("Q1", [new FailedRecipient("a@b.test", "5.1.1", "smtp; 550", null)], true, T0),
        new BounceQueued("Q1", ["a@b.test"], null),
        new DelayWarningQueued("Q1", ["a@b.test"]),
        new MessagesHeld(["Q1"]),
        new MessagesReleased(["Q1"]),
        new MessagesDeleted(["Q1"]),
        new MessagesFlushed(null, T0),
        new QueueSnapshot([new QueueSnapshot.Message("Q1", "s@x.test", T0, 10, true,
            [new RecipientProgress("a@b.test", "a@b.test", 2, T0, "err", new FailedRecipient("a@b.test", "5.0.0", "d", "mx"), true, true)])], "err"),
        new QueueSnapshot([], null, [new QueueSnapshot.Retirement("Q2", ["c@d.test"])]),
        new EnqueueRecipients("smtp:[h]:25", [new QueueEntry("Q1", "a@b.test", "a@b.test", "s@x.test", T0, 1)]),
        new RecipientsAccepted("local", "Q1", 1),
        new QueueSummary("local", 1, 2, 3, 4, T0, "e"),
        new QueueEntries("local", [new QueueEntryView("Q1", "a@b.test", "s@x.test", T0, "deferred", 1, T0, "e")]),
        new FlushQueue("local", ["Q1"]),
        new DeleteMessages("local", ["Q1"]),
        new ReconcileQueue("local"),
    ];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_persisted_or_remote_message_round_trips_through_the_bound_serializer(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<MailClusterSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        Assert.Equal(Json(message), Json(back));
        Assert.Equal(message.GetType(), back.GetType());
    }

    [Fact]
    public void Every_message_type_in_the_assembly_has_a_manifest()
    {
        var types = typeof(IMailClusterMessage).Assembly.GetTypes()
            .Where(t => typeof(IMailClusterMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });
        Assert.All(types, t => Assert.Contains(t, MessageManifests.Types));
    }

    private static string Json(object o) => System.Text.Json.JsonSerializer.Serialize(o, o.GetType());

    public void Dispose() => _system.Dispose();
}
