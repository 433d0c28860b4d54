using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Admin;

/// <summary>Which queue ids are waiting in which queue: the addressing that hold/release/delete/flush by id need.</summary>
public static class MessageSelection
{
    public static Dictionary<string, List<string>> ById(IEnumerable<QueueEntries> queues, IReadOnlyCollection<string> queueIds) =>
        Select(queues, e => queueIds.Contains(e.QueueId));

    public static Dictionary<string, List<string>> ByFilter(IEnumerable<QueueEntries> queues, MessageFilter filter, DateTimeOffset now) =>
        Select(queues, e => Matches(filter, e, now));

    public static bool IsEmpty(MessageFilter filter) => filter.Domain is null && filter.Sender is null && filter.OlderThanSeconds is null;

    private static bool Matches(MessageFilter filter, QueueEntryView entry, DateTimeOffset now) =>
        (filter.Domain is null || DomainOf(entry.Recipient).Equals(filter.Domain.Trim().TrimStart('@'), StringComparison.OrdinalIgnoreCase)) &&
        (filter.Sender is null || entry.Sender.Equals(filter.Sender.Trim().Trim('<', '>'), StringComparison.OrdinalIgnoreCase)) &&
        (filter.OlderThanSeconds is null || now - entry.ArrivedAt >= TimeSpan.FromSeconds(filter.OlderThanSeconds.Value));

    public static string DomainOf(string address) => address.LastIndexOf('@') is var at and >= 0 ? address[(at + 1)..] : "";

    private static Dictionary<string, List<string>> Select(IEnumerable<QueueEntries> queues, Func<QueueEntryView, bool> predicate) =>
        queues.Select(q => (q.HopKey, Ids: q.Entries.Where(predicate).Select(e => e.QueueId).Distinct().ToList()))
            .Where(x => x.Ids.Count > 0)
            .ToDictionary(x => x.HopKey, x => x.Ids);
}
