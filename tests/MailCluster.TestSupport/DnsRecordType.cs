namespace MailCluster.TestSupport;

/// <summary>The RR TYPE codes the stub knows how to build (RFC 1035 section 3.2.2, RFC 3596).</summary>
public static class DnsRecordType
{
    public const ushort A = 1;
    public const ushort Mx = 15;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;
}
