using MailCluster.Smtp.Protocol;

namespace MailCluster.Smtp.Tests;

public class CommandParserTests
{
    private static SmtpCommand Parse(string line) => SmtpCommandParser.Parse(Bytes.Of(line));

    private static void AssertInvalid(SmtpCommand command, int code, string enhanced)
    {
        var invalid = Assert.IsType<InvalidCommand>(command);
        Assert.Equal(code, invalid.Reply.Code);
        Assert.Equal(enhanced, invalid.Reply.EnhancedCode);
    }

    [Theory]
    [InlineData("EHLO client.example", typeof(EhloCommand))]
    [InlineData("HELO client.example", typeof(HeloCommand))]
    [InlineData("MAIL FROM:<a@b.example>", typeof(MailCommand))]
    [InlineData("RCPT TO:<a@b.example>", typeof(RcptCommand))]
    [InlineData("DATA", typeof(DataCommand))]
    [InlineData("BDAT 10", typeof(BdatCommand))]
    [InlineData("RSET", typeof(RsetCommand))]
    [InlineData("NOOP", typeof(NoopCommand))]
    [InlineData("NOOP anything at all", typeof(NoopCommand))]
    [InlineData("QUIT", typeof(QuitCommand))]
    [InlineData("VRFY someone", typeof(VrfyCommand))]
    [InlineData("HELP", typeof(HelpCommand))]
    [InlineData("HELP MAIL", typeof(HelpCommand))]
    [InlineData("STARTTLS", typeof(StartTlsCommand))]
    [InlineData("AUTH PLAIN", typeof(AuthCommand))]
    // case-insensitive verbs and keywords
    [InlineData("ehlo client.example", typeof(EhloCommand))]
    [InlineData("HeLo client.example", typeof(HeloCommand))]
    [InlineData("mail from:<a@b.example>", typeof(MailCommand))]
    [InlineData("MaIl FrOm:<a@b.example>", typeof(MailCommand))]
    [InlineData("rcpt to:<a@b.example>", typeof(RcptCommand))]
    [InlineData("data", typeof(DataCommand))]
    [InlineData("bdat 10 last", typeof(BdatCommand))]
    [InlineData("rset", typeof(RsetCommand))]
    [InlineData("noop", typeof(NoopCommand))]
    [InlineData("quit", typeof(QuitCommand))]
    [InlineData("vrfy x", typeof(VrfyCommand))]
    [InlineData("help", typeof(HelpCommand))]
    [InlineData("StartTls", typeof(StartTlsCommand))]
    [InlineData("auth plain", typeof(AuthCommand))]
    public void Every_verb_is_recognised_in_any_case(string line, Type expected) =>
        Assert.IsType(expected, Parse(line));

    [Fact]
    public void Greeting_keeps_the_domain()
    {
        Assert.Equal(new EhloCommand("Client.Example"), Parse("EHLO Client.Example"));
        Assert.Equal(new HeloCommand("[192.0.2.1]"), Parse("HELO [192.0.2.1]"));
    }

    [Theory]
    [InlineData("EHLO")]
    [InlineData("EHLO ")]
    [InlineData("HELO")]
    [InlineData("EHLO a.example b.example")]
    public void Greeting_without_exactly_one_domain_is_501(string line) => AssertInvalid(Parse(line), 501, "5.5.4");

    [Fact]
    public void Mail_from_null_sender()
    {
        var mail = Assert.IsType<MailCommand>(Parse("MAIL FROM:<>"));
        Assert.True(mail.ReversePath.IsNull);
        Assert.Equal(MailParameters.None, mail.Parameters);
    }

    [Fact]
    public void Mail_from_with_one_space_after_colon_is_accepted()
    {
        var mail = Assert.IsType<MailCommand>(Parse("MAIL FROM: <a@b.example>"));
        Assert.Equal("a", mail.ReversePath.LocalPart);
        Assert.Equal("b.example", mail.ReversePath.Domain);
    }

    [Theory]
    [InlineData("MAIL FROM:a@b.example")]
    [InlineData("MAIL FROM:<a@b.example")]
    [InlineData("MAIL FROM:  <a@b.example>")]
    [InlineData("MAIL FROM <a@b.example>")]
    [InlineData("MAIL TO:<a@b.example>")]
    [InlineData("MAIL")]
    [InlineData("MAIL FROM:<a@b.example>SIZE=10")]
    [InlineData("MAIL FROM:<a@>")]
    [InlineData("RCPT TO:a@b.example")]
    [InlineData("RCPT TO:<a@b.example")]
    [InlineData("RCPT FROM:<a@b.example>")]
    [InlineData("RCPT TO:<>")]
    [InlineData("RCPT")]
    public void Bad_paths_are_501_5_5_4(string line) => AssertInvalid(Parse(line), 501, "5.5.4");

    [Fact]
    public void Mail_parameters_are_parsed()
    {
        var mail = Assert.IsType<MailCommand>(Parse("MAIL FROM:<a@b.example> SIZE=12345 BODY=8BITMIME SMTPUTF8"));
        Assert.Equal(new MailParameters(12345, BodyType.EightBitMime, true), mail.Parameters);
    }

    [Theory]
    [InlineData("BODY=7BIT", BodyType.SevenBit)]
    [InlineData("body=7bit", BodyType.SevenBit)]
    [InlineData("BODY=8BITMIME", BodyType.EightBitMime)]
    [InlineData("Body=8bitmime", BodyType.EightBitMime)]
    public void Body_parameter(string parameter, BodyType expected)
    {
        var mail = Assert.IsType<MailCommand>(Parse($"MAIL FROM:<a@b.example> {parameter}"));
        Assert.Equal(expected, mail.Parameters.Body);
    }

    [Theory]
    [InlineData("SIZE=0", 0L)]
    [InlineData("size=1000", 1000L)]
    [InlineData("SIZE=9223372036854775807", long.MaxValue)]
    public void Size_parameter(string parameter, long expected)
    {
        var mail = Assert.IsType<MailCommand>(Parse($"MAIL FROM:<> {parameter}"));
        Assert.Equal(expected, mail.Parameters.DeclaredSize);
    }

    [Fact]
    public void Smtputf8_parameter_and_utf8_address()
    {
        var mail = Assert.IsType<MailCommand>(Parse("MAIL FROM:<δοκιμή@παράδειγμα.δοκιμή> smtputf8"));
        Assert.True(mail.Parameters.SmtpUtf8);
        Assert.Equal("δοκιμή", mail.ReversePath.LocalPart);
        Assert.False(mail.ReversePath.IsAscii);
    }

    [Theory]
    [InlineData("SIZE")]
    [InlineData("SIZE=")]
    [InlineData("SIZE=abc")]
    [InlineData("SIZE=-1")]
    [InlineData("SIZE=+1")]
    [InlineData("SIZE=1.5")]
    [InlineData("SIZE=99999999999999999999")]
    [InlineData("SMTPUTF8=yes")]
    public void Malformed_known_parameters_are_501(string parameter) =>
        AssertInvalid(Parse($"MAIL FROM:<a@b.example> {parameter}"), 501, "5.5.4");

    [Theory]
    [InlineData("MAIL FROM:<a@b.example> FOO=bar")]
    [InlineData("MAIL FROM:<a@b.example> AUTH=<>")]
    [InlineData("MAIL FROM:<a@b.example> RET=HDRS")]
    [InlineData("MAIL FROM:<a@b.example> BODY=BINARYMIME")]
    [InlineData("MAIL FROM:<a@b.example> SIZE=10 XYZ")]
    [InlineData("RCPT TO:<a@b.example> NOTIFY=NEVER")]
    [InlineData("RCPT TO:<a@b.example> ORCPT=rfc822;a@b.example")]
    [InlineData("RCPT TO:<a@b.example> SMTPUTF8")]
    public void Unknown_parameters_are_555_5_5_4(string line) => AssertInvalid(Parse(line), 555, "5.5.4");

    [Fact]
    public void Rcpt_to_bare_postmaster()
    {
        var rcpt = Assert.IsType<RcptCommand>(Parse("RCPT TO:<Postmaster>"));
        Assert.True(rcpt.ForwardPath.IsBarePostmaster);
    }

    [Theory]
    [InlineData("BDAT 0", 0L, false)]
    [InlineData("BDAT 100", 100L, false)]
    [InlineData("BDAT 100 LAST", 100L, true)]
    [InlineData("BDAT 100 last", 100L, true)]
    [InlineData("BDAT 0 LAST", 0L, true)]
    public void Bdat(string line, long size, bool last) => Assert.Equal(new BdatCommand(size, last), Parse(line));

    [Theory]
    [InlineData("BDAT")]
    [InlineData("BDAT ")]
    [InlineData("BDAT x")]
    [InlineData("BDAT -1")]
    [InlineData("BDAT +1")]
    [InlineData("BDAT 1.0")]
    [InlineData("BDAT 10 FIRST")]
    [InlineData("BDAT 10 LAST x")]
    [InlineData("BDAT LAST")]
    [InlineData("BDAT 99999999999999999999")]
    [InlineData("BDAT ١٢")] // Arabic-Indic digits are not ASCII digits
    public void Bad_bdat_is_501_5_5_4(string line) => AssertInvalid(Parse(line), 501, "5.5.4");

    [Theory]
    [InlineData("DATA x")]
    [InlineData("RSET now")]
    [InlineData("QUIT please")]
    [InlineData("STARTTLS x")]
    public void Commands_without_arguments_refuse_arguments_with_501(string line) => AssertInvalid(Parse(line), 501, "5.5.4");

    [Fact]
    public void Trailing_space_is_not_an_argument() => Assert.IsType<DataCommand>(Parse("DATA "));

    [Fact]
    public void Vrfy_needs_an_argument()
    {
        Assert.Equal(new VrfyCommand("someone"), Parse("VRFY someone"));
        AssertInvalid(Parse("VRFY"), 501, "5.5.4");
    }

    [Fact]
    public void Auth_mechanism_and_initial_response()
    {
        Assert.Equal(new AuthCommand("PLAIN", "AGEAYg=="), Parse("auth plain AGEAYg=="));
        Assert.Equal(new AuthCommand("LOGIN", null), Parse("AUTH LOGIN"));
        AssertInvalid(Parse("AUTH"), 501, "5.5.4");
        AssertInvalid(Parse("AUTH A B C"), 501, "5.5.4");
    }

    [Theory]
    [InlineData("XYZZY", "XYZZY")]
    [InlineData("xyzzy arg", "XYZZY")]
    [InlineData("", "")]
    [InlineData("MAILFROM:<a@b.example>", "MAILFROM:<A@B.EX")] // truncated to 16 chars
    [InlineData("GET / HTTP/1.1", "GET")]
    public void Unknown_verbs(string line, string verb) => Assert.Equal(new UnknownCommand(verb), Parse(line));

    [Theory]
    [InlineData("MAIL FROM:<a\0@b.example>")]
    [InlineData("RCPT TO:<a@b.example>\0")]
    [InlineData("EHLO a\tb")]
    [InlineData("DATA \x1b")]
    [InlineData("NOOP \x7f")]
    [InlineData("VRFY a\rb")]
    public void Control_characters_in_arguments_of_known_verbs_are_501(string line) => AssertInvalid(Parse(line), 501, "5.5.4");

    [Theory]
    [InlineData("NOOP\0", "NOOP?")]
    [InlineData("\0", "?")]
    [InlineData("MAIL\tFROM:<a@b.example>", "MAIL?FROM:<A@B.E")]
    [InlineData("QU\u0085IT", "QU?IT")]
    public void Control_characters_in_the_verb_make_it_unknown_and_printable(string line, string verb) =>
        Assert.Equal(new UnknownCommand(verb), Parse(line));

    [Theory]
    [InlineData(new byte[] { (byte)'E', (byte)'H', (byte)'L', (byte)'O', (byte)' ', 0xFF })]
    [InlineData(new byte[] { (byte)'M', (byte)'A', (byte)'I', (byte)'L', (byte)' ', 0xC3 })] // truncated sequence
    [InlineData(new byte[] { 0xC0, 0x80 })] // overlong NUL
    [InlineData(new byte[] { (byte)'N', (byte)'O', (byte)'O', (byte)'P', (byte)' ', 0xED, 0xA0, 0x80 })] // encoded surrogate
    public void Invalid_utf8_is_501(byte[] line) => AssertInvalid(SmtpCommandParser.Parse(line), 501, "5.5.4");

    [Theory]
    [InlineData("ſtarttls")] // U+017F LATIN SMALL LETTER LONG S upper-cases to 'S'
    [InlineData("maıl FROM:<a@b.example>")] // U+0131 DOTLESS I upper-cases to 'I'
    [InlineData("qu\u0131t")]
    public void Non_ascii_lookalike_verbs_are_not_commands(string line) => Assert.IsType<UnknownCommand>(Parse(line));

    [Fact]
    public void Replies_render_on_the_wire()
    {
        Assert.Equal("501 5.5.4 Syntax: X\r\n", Replies.SyntaxError("Syntax: X").ToWire());
        Assert.Equal("354 End data with <CR><LF>.<CR><LF>\r\n", Replies.StartData.ToWire());
        Assert.Equal("250-a\r\n250-b\r\n250 c\r\n", new SmtpReply(250, null, ["a", "b", "c"]).ToWire());
        Assert.Equal("214-2.0.0 x\r\n214 2.0.0 y\r\n", new SmtpReply(214, "2.0.0", ["x", "y"]).ToWire());
    }

    [Theory]
    [InlineData(250, true, false, false)]
    [InlineData(354, true, false, false)]
    [InlineData(421, false, true, false)]
    [InlineData(452, false, true, false)]
    [InlineData(500, false, false, true)]
    [InlineData(554, false, false, true)]
    public void Reply_classification(int code, bool positive, bool transient, bool permanent)
    {
        var reply = new SmtpReply(code, null, "x");
        Assert.Equal((positive, transient, permanent), (reply.IsPositive, reply.IsTransientFailure, reply.IsPermanentFailure));
    }
}
