using System.Text;

namespace MailCluster.Smtp.Protocol;

/// <summary>Parses one command line (without its CRLF) into an <see cref="SmtpCommand"/>. Never throws.</summary>
public static class SmtpCommandParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static SmtpCommand Parse(ReadOnlySpan<byte> line)
    {
        string text;
        try { text = StrictUtf8.GetString(line); }
        catch (DecoderFallbackException) { return new InvalidCommand("", Replies.SyntaxError("Invalid UTF-8 in command")); }

        var verbEnd = text.IndexOf(' ');
        var verb = AsciiUpper(verbEnd < 0 ? text : text[..verbEnd]);
        var args = verbEnd < 0 ? "" : text[(verbEnd + 1)..];
        if (text.Any(c => char.IsControl(c)))
            return verb.All(char.IsAsciiLetter) && IsKnownVerb(verb)
                ? new InvalidCommand(verb, Replies.SyntaxError("Control characters are not allowed in commands"))
                : new UnknownCommand(Printable(verb));

        return verb switch
        {
            "EHLO" => ParseGreeting(args, d => new EhloCommand(d), "EHLO"),
            "HELO" => ParseGreeting(args, d => new HeloCommand(d), "HELO"),
            "MAIL" => ParseMail(args),
            "RCPT" => ParseRcpt(args),
            "DATA" => NoArguments(args, "DATA", new DataCommand()),
            "BDAT" => ParseBdat(args),
            "RSET" => NoArguments(args, "RSET", new RsetCommand()),
            "NOOP" => new NoopCommand(), // RFC 5321 4.1.1.9: NOOP may carry a string, which is ignored
            "QUIT" => NoArguments(args, "QUIT", new QuitCommand()),
            "VRFY" => args.Trim().Length == 0 ? new InvalidCommand(verb, Replies.SyntaxError("Syntax: VRFY address")) : new VrfyCommand(args.Trim()),
            "HELP" => new HelpCommand(),
            "STARTTLS" => NoArguments(args, "STARTTLS", new StartTlsCommand()),
            "AUTH" => ParseAuth(args),
            _ => new UnknownCommand(Printable(verb)),
        };
    }

    /// <summary>
    /// SMTP keywords are ASCII. Culture-aware upper-casing would turn "ſtarttls" (long s) into STARTTLS, a verb a
    /// filter in front of us would not recognise; non-ASCII letters are therefore left as they are.
    /// </summary>
    internal static string AsciiUpper(string s) => string.Create(s.Length, s, (span, src) =>
    {
        for (var i = 0; i < src.Length; i++) span[i] = char.IsAsciiLetterLower(src[i]) ? (char)(src[i] - 32) : src[i];
    });

    private static bool IsKnownVerb(string verb) =>
        verb is "EHLO" or "HELO" or "MAIL" or "RCPT" or "DATA" or "BDAT" or "RSET" or "NOOP" or "QUIT" or "VRFY" or "HELP" or "STARTTLS" or "AUTH";

    /// <summary>
    /// What a reply may echo of the client's words: at most 16 printable ASCII characters. A parameter name is the
    /// client's text; echoed whole it could make a reply line longer than 512 octets or carry non-ASCII (found by fuzzing).
    /// </summary>
    private static string Printable(string verb) =>
        new(verb.Take(16).Select(c => c is > ' ' and < '\x7f' ? c : '?').ToArray());

    private static SmtpCommand NoArguments(string args, string verb, SmtpCommand command) =>
        args.Trim().Length == 0 ? command : new InvalidCommand(verb, Replies.SyntaxError($"Syntax: {verb} takes no arguments"));

    private static SmtpCommand ParseGreeting(string args, Func<string, SmtpCommand> create, string verb)
    {
        var domain = args.Trim();
        if (domain.Length == 0 || domain.Contains(' '))
            return new InvalidCommand(verb, Replies.SyntaxError($"Syntax: {verb} hostname"));
        return create(domain);
    }

    private static SmtpCommand ParseMail(string args)
    {
        if (!TryStripPrefix(args, "FROM:", out var rest))
            return new InvalidCommand("MAIL", Replies.SyntaxError("Syntax: MAIL FROM:<address>"));
        if (!MailPathParser.TryParse(rest, allowNull: true, out var path, out var remainder, out var error))
            return new InvalidCommand("MAIL", Replies.SyntaxError($"Bad sender address syntax: {error}"));
        var parameters = MailParameters.None;
        foreach (var (name, value) in SplitParameters(remainder))
        {
            switch (name)
            {
                case "SIZE" when value is not null && long.TryParse(value, out var size) && size >= 0 && value.All(char.IsAsciiDigit):
                    parameters = parameters with { DeclaredSize = size };
                    break;
                case "BODY" when value is not null && value.Equals("7BIT", StringComparison.OrdinalIgnoreCase):
                    parameters = parameters with { Body = BodyType.SevenBit };
                    break;
                case "BODY" when value is not null && value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase):
                    parameters = parameters with { Body = BodyType.EightBitMime };
                    break;
                case "SMTPUTF8" when value is null:
                    parameters = parameters with { SmtpUtf8 = true };
                    break;
                case "SIZE" or "SMTPUTF8":
                    return new InvalidCommand("MAIL", Replies.SyntaxError($"Bad {name} parameter"));
                default:
                    return new InvalidCommand("MAIL", Replies.ParameterNotImplemented(Printable(name)));
            }
        }
        return new MailCommand(path, parameters);
    }

    private static SmtpCommand ParseRcpt(string args)
    {
        if (!TryStripPrefix(args, "TO:", out var rest))
            return new InvalidCommand("RCPT", Replies.SyntaxError("Syntax: RCPT TO:<address>"));
        if (!MailPathParser.TryParse(rest, allowNull: false, out var path, out var remainder, out var error))
            return new InvalidCommand("RCPT", Replies.SyntaxError($"Bad recipient address syntax: {error}"));
        foreach (var (name, _) in SplitParameters(remainder))
            return new InvalidCommand("RCPT", Replies.ParameterNotImplemented(Printable(name)));
        return new RcptCommand(path);
    }

    private static SmtpCommand ParseBdat(string args)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2 || !parts[0].All(char.IsAsciiDigit) || !long.TryParse(parts[0], out var size)
            || (parts.Length == 2 && AsciiUpper(parts[1]) != "LAST"))
            return new InvalidCommand("BDAT", Replies.SyntaxError("Syntax: BDAT chunk-size [LAST]"));
        return new BdatCommand(size, parts.Length == 2);
    }

    private static SmtpCommand ParseAuth(string args)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2)
            return new InvalidCommand("AUTH", Replies.SyntaxError("Syntax: AUTH mechanism [initial-response]"));
        return new AuthCommand(AsciiUpper(parts[0]), parts.Length == 2 ? parts[1] : null);
    }

    /// <summary>Accepts "FROM:&lt;a&gt;" and, as most MTAs do, a single space after the colon.</summary>
    private static bool TryStripPrefix(string args, string prefix, out string rest)
    {
        rest = "";
        if (!args.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        rest = args[prefix.Length..];
        if (rest.StartsWith(' ')) rest = rest[1..];
        return true;
    }

    private static IEnumerable<(string Name, string? Value)> SplitParameters(string remainder)
    {
        foreach (var token in remainder.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = token.IndexOf('=');
            yield return eq < 0 ? (AsciiUpper(token), null) : (AsciiUpper(token[..eq]), token[(eq + 1)..]);
        }
    }
}
