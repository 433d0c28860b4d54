namespace MailCluster.Core.SenderAuth;

/// <summary>The identity an SPF check authorized (RFC 7208 2.3, 2.4): MAIL FROM, or HELO.</summary>
public enum SpfIdentity
{
    MailFrom,
    Helo,
}

/// <summary>One SPF check_host() result (RFC 7208 2.6) for <paramref name="Domain"/>, with why.</summary>
public sealed record SpfVerdict(AuthResult Result, SpfIdentity Identity, string Domain, string Reason)
{
    public override string ToString() => $"spf={Result.Name()} {(Identity == SpfIdentity.MailFrom ? "smtp.mailfrom" : "smtp.helo")}={Domain} ({Reason})";
}
