namespace MailCluster.TestSupport;

/// <summary>A query the stub received: lower-case name without trailing dot, QTYPE, and the transport.</summary>
public sealed record DnsStubQuery(string Name, ushort Type, bool OverTcp);
