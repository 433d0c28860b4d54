using System.Text;
using MailCluster.Core.Dkim;
using MailCluster.Core.SenderAuth;
using MailCluster.Core.Tests.Dkim;
using MimeKit;
using MailCluster.TestSupport.Dkim;

namespace MailCluster.Core.Tests.SenderAuth;

public sealed class ArcChainVerifierTests
{
    private static (MimeMessage Message, Dictionary<string, string> Records) Forwarded()
    {
        var (key, record) = DkimMessageSignerTests.NewKey("lists.example.org", "arc1", DkimAlgorithm.RsaSha256);
        var sealedBytes = ArcSealing.Seal(Encoding.ASCII.GetBytes(
            "From: ann@bank.example\r\nTo: list@lists.example.org\r\nSubject: [list] hello\r\nMessage-ID: <1@bank.example>\r\n\r\nbody\r\n"), key);
        return (MimeMessage.Load(new MemoryStream(sealedBytes)), new Dictionary<string, string> { ["arc1._domainkey.lists.example.org"] = record });
    }

    private static MimeMessage Reparse(MimeMessage message)
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        using var bytes = new MemoryStream();
        message.WriteTo(format, bytes);
        var text = Encoding.ASCII.GetString(bytes.ToArray()).Replace("\r\n", "\n").Replace("\n", "\r\n");
        return MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public async Task A_sealed_chain_verifies_and_names_its_last_sealer()
    {
        var (message, records) = Forwarded();

        var verdict = await new ArcChainVerifier(new TableResolver(records)).VerifyAsync(message, default);

        Assert.Equal((AuthResult.Pass, 1, "lists.example.org"), (verdict.Result, verdict.Instances, verdict.Sealer));
    }

    [Fact]
    public async Task A_change_after_sealing_fails_and_a_failed_key_lookup_is_a_temperror()
    {
        var (message, records) = Forwarded();
        message.Subject = "[list] changed after the seal";
        Assert.Equal(AuthResult.Fail, (await new ArcChainVerifier(new TableResolver(records)).VerifyAsync(Reparse(message), default)).Result);

        var (again, _) = Forwarded();
        var down = await new ArcChainVerifier(new TableResolver(records, "arc1._domainkey.lists.example.org")).VerifyAsync(again, default);
        Assert.Equal(AuthResult.TempError, down.Result);
    }

    [Fact]
    public async Task A_message_without_a_chain_is_none()
    {
        var message = MimeMessage.Load(new MemoryStream("From: a@example.com\r\n\r\nx\r\n"u8.ToArray()));
        Assert.Equal(AuthResult.None, (await new ArcChainVerifier(new TableResolver(new Dictionary<string, string>())).VerifyAsync(message, default)).Result);
    }
}
