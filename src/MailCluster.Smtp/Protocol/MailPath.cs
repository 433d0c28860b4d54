namespace MailCluster.Smtp.Protocol;

/// <summary>
/// A reverse- or forward-path. <see cref="IsNull"/> is the null sender &lt;&gt;.
/// A bare "postmaster" (RFC 5321 4.1.1.3) has an empty <see cref="Domain"/>.
/// The local part is kept as written (quoted if it was quoted); the domain is lower-cased without a trailing dot.
/// </summary>
public sealed record MailPath(string LocalPart, string Domain, bool HadSourceRoute = false)
{
    public static MailPath Null { get; } = new("", "");

    public bool IsNull => LocalPart.Length == 0 && Domain.Length == 0;
    public bool IsBarePostmaster => Domain.Length == 0 && string.Equals(LocalPart, "postmaster", StringComparison.OrdinalIgnoreCase);
    public bool IsDomainLiteral => Domain.StartsWith('[');
    public bool IsAscii => LocalPart.All(char.IsAscii) && Domain.All(char.IsAscii);

    public string Address => IsNull ? "" : Domain.Length == 0 ? LocalPart : $"{LocalPart}@{Domain}";

    public override string ToString() => $"<{Address}>";
}
