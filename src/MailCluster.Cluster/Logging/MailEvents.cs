namespace MailCluster.Cluster.Logging;

/// <summary>
/// The mail log's event vocabulary, and nothing else: dashboards and grep patterns depend on these names.
/// Session events carry session_id; message events carry queue_id; "accepted" carries both to join them.
/// </summary>
public static class MailEvents
{
    /// <summary>A client connected: session_id, client_ip, listener.</summary>
    public const string Connect = "connect";
    /// <summary>HELO/EHLO accepted: session_id, client_ip, helo.</summary>
    public const string Helo = "helo";
    /// <summary>AUTH finished: session_id, client_ip, login, result (ok, failed, locked, busy, tempfail). Never the password.</summary>
    public const string Auth = "auth";
    /// <summary>
    /// Too many failed AUTH attempts locked a client IP or a login out (warning): scope (ip, login), client_ip, login,
    /// failures, until, session_id of the attempt that tipped it. Logged once, by the node that counted that failure.
    /// </summary>
    public const string AuthLockout = "auth_lockout";
    /// <summary>A MAIL or RCPT policy verdict: session_id, stage, from, to, verdict (permit, reject, defer), rule, reply.</summary>
    public const string Policy = "policy";
    /// <summary>A protocol-level refusal not made by policy (e.g. bare LF in DATA): session_id, client_ip, reason.</summary>
    public const string Reject = "reject";
    /// <summary>Durably queued and answered 250: queue_id, session_id, client_ip, helo, from, size, nrcpt.</summary>
    public const string Accepted = "accepted";
    /// <summary>Outbound DKIM signing at acceptance: queue_id, session_id, result (the rule: dkim-signed, dkim-sign-failed), d, s, reason.</summary>
    public const string DkimSign = "dkim_sign";
    /// <summary>The MX-side checks of a message from a client not ours: queue_id, session_id, dkim (result:d/s per signature), forged_results_removed.</summary>
    public const string SenderAuth = "sender_auth";
    /// <summary>Storage failed, answered 451: queue_id, session_id, reason.</summary>
    public const string NotAccepted = "not_accepted";
    /// <summary>The session ended: session_id, client_ip, reason.</summary>
    public const string Disconnect = "disconnect";
    /// <summary>One recipient delivered: queue_id, to, relay, delay, dsn, status.</summary>
    public const string Delivered = "delivered";
    /// <summary>One recipient will be retried: queue_id, to, relay, delay, dsn, reason, retry_at.</summary>
    public const string Deferred = "deferred";
    /// <summary>One recipient failed permanently (5xx): queue_id, to, relay, delay, dsn, reason.</summary>
    public const string Bounced = "bounced";
    /// <summary>One recipient's lifetime ran out: queue_id, to, delay, dsn, reason.</summary>
    public const string Expired = "expired";
    /// <summary>A DSN (failure or delay notice) was queued: queue_id (the original), dsn_queue_id, kind, to (the sender).</summary>
    public const string DsnQueued = "dsn_queued";
    /// <summary>No DSN for failed recipients because the sender is &lt;&gt;: queue_id, nrcpt.</summary>
    public const string DsnSkipped = "dsn_skipped";
    /// <summary>Removed by the administrator: queue_id, hop, nrcpt.</summary>
    public const string Deleted = "deleted";
}
