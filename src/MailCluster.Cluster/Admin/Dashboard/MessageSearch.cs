using MailCluster.Cluster.Queue;

namespace MailCluster.Cluster.Admin.Dashboard;

/// <summary>One message found by a search, with every recipient it still has in any queue.</summary>
public sealed record MessageMatch(string QueueId, string Sender, DateTimeOffset ArrivedAt, double AgeSeconds, IReadOnlyList<RecipientStateView> Recipients);

/// <param name="Truncated">More messages matched than <see cref="MessageSearch.MaxResults"/>; the newest are shown.</param>
public sealed record MessageSearchView(string Query, int Total, bool Truncated, IReadOnlyList<MessageMatch> Messages);

/// <summary>
/// GET /api/messages?q=: queued messages whose queue id is q, or whose sender or a recipient contains q
/// (case-insensitive). Scans every queue's entries, as /api/messages/{id} does: a message may wait in several queues.
/// </summary>
internal static class MessageSearch
{
    public const int MaxResults = 200;

    public static MessageSearchView Find(IEnumerable<QueueEntries> queues, string query, DateTimeOffset now)
    {
        var entries = queues.SelectMany(q => q.Entries.Select(e => (q.HopKey, Entry: e))).ToList();
        var ids = entries.Where(x => Matches(x.Entry, query)).Select(x => x.Entry.QueueId).ToHashSet(StringComparer.Ordinal);
        var messages = entries.Where(x => ids.Contains(x.Entry.QueueId))
            .GroupBy(x => x.Entry.QueueId, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.MinBy(x => x.Entry.ArrivedAt).Entry;
                var recipients = g.OrderBy(x => x.Entry.Recipient, StringComparer.Ordinal)
                    .Select(x => new RecipientStateView(x.HopKey, x.Entry.Recipient, x.Entry.State, x.Entry.Attempts, x.Entry.NextAttemptAt, x.Entry.LastError))
                    .ToList();
                return new MessageMatch(g.Key, first.Sender, first.ArrivedAt, Math.Round((now - first.ArrivedAt).TotalSeconds, 1), recipients);
            })
            .OrderByDescending(m => m.ArrivedAt)
            .ToList();
        return new MessageSearchView(query, messages.Count, messages.Count > MaxResults, messages.Take(MaxResults).ToList());
    }

    private static bool Matches(QueueEntryView entry, string query) =>
        string.Equals(entry.QueueId, query, StringComparison.OrdinalIgnoreCase)
        || entry.Sender.Contains(query, StringComparison.OrdinalIgnoreCase)
        || entry.Recipient.Contains(query, StringComparison.OrdinalIgnoreCase);
}
