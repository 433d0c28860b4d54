using System.Security.Authentication;

namespace MailCluster.Smtp.Transport;

/// <summary>A session's TLS version ("TLSv1.3", as OpenSSL and Postfix name it) and cipher suite (IANA name).</summary>
public sealed record TlsSessionInfo(string Protocol, string Cipher)
{
    public static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        var other => other.ToString(),
    };
}
