using System.Text;
using CsCheck;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Fuzz.Tests;

/// <summary>
/// The command parser sees every line a client sends before anything else does: whatever the octets, it must
/// return a command (never throw) and any reply it builds must be a well-formed SMTP reply we can put on the wire.
/// </summary>
public sealed class CommandParserProperties
{
    private static readonly string[] Verbs =
        ["EHLO", "HELO", "MAIL FROM:", "RCPT TO:", "DATA", "BDAT", "RSET", "NOOP", "QUIT", "VRFY", "HELP", "STARTTLS", "AUTH", "mail from:", "XYZZY"];

    /// <summary>Pieces that matter to the grammar, so random lines reach deep into it rather than stopping at the verb.</summary>
    private static readonly string[] Tokens =
        ["<", ">", "@", ":", ",", ".", "\"", "\\", " ", "=", "[", "]", "IPv6:", "::1", "127.0.0.1", "a", "Z", "postmaster",
         "example.org", "SIZE", "BODY", "8BITMIME", "7BIT", "SMTPUTF8", "LAST", "0", "99999999999999999999", "-", "é", "日本",
         "\u017f", "\t", "\0", "\x7f", "\uFEFF", "PLAIN", "=?", "xn--", new string('x', 70), new string('d', 300)];

    private static readonly Gen<string> GrammarLine =
        Gen.Select(Gen.OneOf(Verbs), Gen.OneOf(Tokens).Array[0, 40])
           .Select((verb, tokens) => verb + string.Concat(tokens));

    /// <summary>A valid MAIL or RCPT followed by random ESMTP parameters: reaches the parameter parser, which random lines rarely do.</summary>
    private static readonly Gen<string> EnvelopeWithParameters =
        Gen.Select(Gen.OneOf("MAIL FROM:", "RCPT TO:"), PathProperties.ValidMailbox, Gen.OneOf(Tokens).Array[0, 12].Array[0, 4])
           .Select((verb, m, parameters) => $"{verb}<{m.Local}@{m.Domain}>" + string.Concat(parameters.Select(p => " " + string.Concat(p))));

    /// <summary>Lines as SmtpWire hands them over: no LF, at most 998 octets (longer ones never reach the parser).</summary>
    private static readonly Gen<byte[]> AnyLine = Gen.OneOf(
        Gen.Byte.Where(b => b != (byte)'\n').Array[0, 998],
        Gen.OneOf(GrammarLine, EnvelopeWithParameters).Select(Encoding.UTF8.GetBytes).Select(b => b.Length > 998 ? b[..998] : b));

    [Fact]
    public void Any_line_parses_to_a_command_and_any_reply_is_a_valid_smtp_reply()
    {
        AnyLine.Sample(line =>
        {
            var command = SmtpCommandParser.Parse(line);
            Assert.NotNull(command);
            switch (command)
            {
                case InvalidCommand invalid:
                    AssertWellFormedReply(invalid.Reply);
                    Assert.True(invalid.Reply.Code is >= 500 and < 600, $"a syntax error is permanent: {invalid.Reply}");
                    break;
                case UnknownCommand unknown:
                    // The verb is logged and may be echoed: printable ASCII, short.
                    Assert.True(unknown.Verb.Length <= 16 && unknown.Verb.All(c => c is > ' ' and < '\x7f'), unknown.Verb);
                    break;
                case MailCommand mail:
                    AssertPathLimits(mail.ReversePath);
                    break;
                case RcptCommand rcpt:
                    Assert.False(rcpt.ForwardPath.IsNull, "RCPT TO:<> must not parse");
                    AssertPathLimits(rcpt.ForwardPath);
                    break;
                case BdatCommand bdat:
                    Assert.True(bdat.Size >= 0);
                    break;
            }
        }, iter: FuzzRuns.Iter(20_000), time: FuzzRuns.Time, print: l => Convert.ToHexString(l));
    }

    [Fact]
    public void A_valid_mail_command_round_trips_its_address_and_parameters()
    {
        Gen.Select(PathProperties.ValidMailbox, Gen.Long[0, long.MaxValue].Nullable(), Gen.Bool)
            .Sample((mailbox, size, eightBit) =>
            {
                var line = $"MAIL FROM:<{mailbox.Local}@{mailbox.Domain}>" + (size is { } s ? $" SIZE={s}" : "") + (eightBit ? " BODY=8BITMIME" : "");
                var mail = Assert.IsType<MailCommand>(SmtpCommandParser.Parse(Encoding.UTF8.GetBytes(line)));
                Assert.Equal(mailbox.Local, mail.ReversePath.LocalPart);
                Assert.Equal(mailbox.Domain.ToLowerInvariant(), mail.ReversePath.Domain);
                Assert.Equal(size, mail.Parameters.DeclaredSize);
                Assert.Equal(eightBit ? BodyType.EightBitMime : BodyType.SevenBit, mail.Parameters.Body);
            }, iter: FuzzRuns.Iter(5_000), time: FuzzRuns.Time);
    }

    /// <summary>RFC 5321 4.5.3.1.5: a reply line is at most 512 octets with its CRLF; it must not carry a line break or control characters of its own.</summary>
    internal static void AssertWellFormedReply(SmtpReply reply)
    {
        Assert.InRange(reply.Code, 200, 599);
        foreach (var wireLine in reply.ToWire().Split("\r\n")[..^1])
        {
            Assert.True(Encoding.UTF8.GetByteCount(wireLine) + 2 <= 512, $"reply line of {Encoding.UTF8.GetByteCount(wireLine) + 2} octets: {wireLine[..Math.Min(80, wireLine.Length)]}...");
            Assert.True(wireLine.All(c => c is >= ' ' and < '\x7f'), $"reply line with control or non-ASCII characters: {wireLine}");
        }
    }

    private static void AssertPathLimits(MailPath path)
    {
        Assert.True(Encoding.UTF8.GetByteCount(path.LocalPart) <= MailPathParser.MaxLocalPartOctets, path.LocalPart);
        Assert.True(Encoding.UTF8.GetByteCount(path.Domain) <= MailPathParser.MaxDomainOctets, path.Domain);
    }
}
