using System.Text;

namespace MailCluster.Core.Delivery.Client;

/// <summary>
/// A reply from the remote server: the three-digit code, the enhanced status code (RFC 3463) if the first
/// line carries one, and the text of every line (without the "250-" prefixes).
/// </summary>
public sealed record SmtpResponse(int Code, string? EnhancedCode, IReadOnlyList<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsSuccess => Code is >= 200 and < 300;
    public bool IsTransient => Code is >= 400 and < 500;
    public bool IsPermanent => Code >= 500;

    /// <summary>The enhanced code, or "class.0.0" when the server gave none; its class always matches <see cref="Code"/>.</summary>
    public string Enhanced => EnhancedCode is { } e ? $"{Code / 100}{e[1..]}" : $"{Code / 100}.0.0";

    /// <summary>The outcome this reply means for a recipient (2xx/3xx delivered, 4xx deferred, 5xx failed).</summary>
    public DeliveryStatus Status => Code < 400 ? DeliveryStatus.Delivered : Code < 500 ? DeliveryStatus.Deferred : DeliveryStatus.Failed;

    /// <summary>RFC 3464 Diagnostic-Code value: "smtp; 550 5.1.1 &lt;x&gt;: user unknown" (continuation lines joined with spaces).</summary>
    public string Diagnostic => "smtp; " + ToString();

    public RecipientResult ToResult(string recipient, string? remoteMta) => new(recipient, Status, Enhanced, Diagnostic, remoteMta);

    public DeliveryFailure ToFailure(string? remoteMta) => new(Status, Enhanced, Diagnostic, remoteMta);

    public override string ToString()
    {
        var text = new StringBuilder().Append(Code);
        for (var i = 0; i < Lines.Count; i++)
        {
            var line = Lines[i];
            // Every line of a multiline reply repeats the enhanced code; say it once.
            if (i > 0 && EnhancedCode is { } e && line.StartsWith(e, StringComparison.Ordinal))
                line = line[e.Length..].TrimStart();
            if (line.Length > 0) text.Append(' ').Append(line);
        }
        return text.ToString();
    }

    /// <summary>Parses the code and text of the lines of one reply (already split, prefixes intact).</summary>
    internal static SmtpResponse Parse(IReadOnlyList<string> rawLines)
    {
        var code = (rawLines[0][0] - '0') * 100 + (rawLines[0][1] - '0') * 10 + (rawLines[0][2] - '0');
        var texts = rawLines.Select(l => l.Length > 4 ? l[4..] : "").ToList();
        return new SmtpResponse(code, ParseEnhanced(texts[0], code), texts);
    }

    /// <summary>"x.y.z" at the start of the text, x in {2,4,5}, y and z up to three digits (RFC 3463).</summary>
    private static string? ParseEnhanced(string text, int code)
    {
        var i = 0;
        if (text.Length < 5 || text[0] is not ('2' or '4' or '5') || text[1] != '.') return null;
        i = 2;
        if (!Digits(text, ref i) || i >= text.Length || text[i] != '.') return null;
        i++;
        if (!Digits(text, ref i)) return null;
        if (i < text.Length && text[i] != ' ') return null;
        return text[..i];

        static bool Digits(string s, ref int i)
        {
            var start = i;
            while (i < s.Length && i - start < 3 && char.IsAsciiDigit(s[i])) i++;
            return i > start;
        }
    }
}
