using MailCluster.Smtp.Protocol;

namespace MailCluster.Core.Policy;

/// <summary>
/// A policy answer is never a bool: permit, reject (5xx) and defer (4xx) are different, and each names the
/// rule that decided it, for the log and for "mailctl policy test".
/// </summary>
public abstract record PolicyVerdict(string Rule);
public sealed record Permit(string Rule) : PolicyVerdict(Rule);
public sealed record Reject(SmtpReply Reply, string Rule) : PolicyVerdict(Rule);
public sealed record Defer(SmtpReply Reply, string Rule) : PolicyVerdict(Rule);
