using System.Text;
using MailCluster.Core.SenderAuth;

namespace MailCluster.Core.Tests.SenderAuth;

public sealed class AuthenticationResultsTests
{
    [Fact]
    public void The_header_names_us_and_each_signature_with_its_properties()
    {
        var header = Encoding.ASCII.GetString(AuthenticationResultsHeader.Build("mx.example.net", SenderAuthReport.Empty with { Dkim =
        [
            new DkimVerdict(AuthResult.Pass, "good signature", "example.com", "s1", "rsa-sha256", "AbCd+/12"),
            new DkimVerdict(AuthResult.TempError, "key lookup failed: \"SERVFAIL\"", "example.org", "x", "ed25519-sha256", null),
        ] }));

        Assert.Equal(
            "Authentication-Results: mx.example.net;\r\n" +
            "\tdkim=pass reason=\"good signature\" header.d=example.com header.s=s1 header.a=rsa-sha256 header.b=\"AbCd+/12\";\r\n" +
            "\tdkim=temperror reason=\"key lookup failed: \\\"SERVFAIL\\\"\" header.d=example.org header.s=x header.a=ed25519-sha256\r\n",
            header);
        Assert.Equal("Authentication-Results: mx.example.net;\r\n\tdkim=none\r\n", Encoding.ASCII.GetString(AuthenticationResultsHeader.Build("mx.example.net", SenderAuthReport.Empty)));
    }

    [Fact]
    public void Results_claiming_our_authserv_id_are_removed_and_everything_else_is_kept_byte_for_byte()
    {
        const string message =
            "Received: from a by b; Mon, 7 Dec 2026 10:00:00 +0000\r\n" +
            "Authentication-Results: MX.Example.NET; dkim=pass\r\n" +
            "Authentication-Results: other.example; spf=pass smtp.mailfrom=x\r\n" +
            "authentication-results:  (forged) mx.example.net.;\r\n\tdmarc=pass\r\n\theader.from=bank.example\r\n" +
            "Authentication-Results: mx.example.network; dkim=pass\r\n" +
            "Subject: hi\r\n" +
            "\r\n" +
            "Authentication-Results: mx.example.net; in the body, not a header\r\n";

        var stripped = ForgedResultsFilter.Strip(Encoding.ASCII.GetBytes(message), "mx.example.net", out var removed);

        Assert.Equal(2, removed);
        Assert.Equal(
            "Received: from a by b; Mon, 7 Dec 2026 10:00:00 +0000\r\n" +
            "Authentication-Results: other.example; spf=pass smtp.mailfrom=x\r\n" +
            "Authentication-Results: mx.example.network; dkim=pass\r\n" +
            "Subject: hi\r\n" +
            "\r\n" +
            "Authentication-Results: mx.example.net; in the body, not a header\r\n",
            Encoding.ASCII.GetString(stripped.Span));
    }

    [Fact]
    public void A_message_without_such_fields_is_returned_as_is()
    {
        var bytes = Encoding.ASCII.GetBytes("Subject: hi\r\n\r\nbody\r\n");
        var stripped = ForgedResultsFilter.Strip(bytes, "mx.example.net", out var removed);
        Assert.Equal(0, removed);
        Assert.True(stripped.Span == bytes.AsSpan(), "a message with nothing to remove must not be copied");
    }
}
