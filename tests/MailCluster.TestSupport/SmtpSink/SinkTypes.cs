namespace MailCluster.TestSupport;

/// <summary>The transaction a reply hook is asked about. <see cref="Content"/> is set only at the final dot.</summary>
public sealed class SinkTransaction
{
    public required int ConnectionId { get; init; }
    public required string HeloName { get; init; }
    public required bool IsTls { get; init; }
    public required string MailFrom { get; init; }
    /// <summary>The ESMTP parameters of MAIL FROM as given ("SIZE=123", "BODY=8BITMIME", ...).</summary>
    public required IReadOnlyList<string> MailParameters { get; init; }
    /// <summary>Recipients accepted so far.</summary>
    public List<string> Recipients { get; } = new();
    /// <summary>The octets after un-dot-stuffing, without the terminating ".CRLF" (empty when content is not kept).</summary>
    public byte[]? Content { get; internal set; }
    /// <summary>1-based count of final dots seen by the whole sink, this one included (0 before the dot).</summary>
    public int Sequence { get; internal set; }
}

/// <summary>A message the sink accepted.</summary>
public sealed record SinkMessage(
    int ConnectionId,
    string HeloName,
    string MailFrom,
    IReadOnlyList<string> MailParameters,
    IReadOnlyList<string> Recipients,
    byte[] Content,
    bool IsTls,
    int Sequence);

/// <summary>One command line the sink received (message content is not included).</summary>
public sealed record SinkCommand(int ConnectionId, string Line);
