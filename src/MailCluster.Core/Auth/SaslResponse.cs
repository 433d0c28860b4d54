using System.Text;

namespace MailCluster.Core.Auth;

/// <summary>Decoding of client responses shared by the mechanisms.</summary>
internal static class SaslResponse
{
    /// <summary>RFC 4954 section 4: the AUTH line, initial response included, may be up to 12288 octets.</summary>
    private const int MaxLength = 12288;

    /// <summary>Throws on invalid UTF-8 instead of silently substituting U+FFFD into a login or password.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public const string CancelLine = "*";

    public static bool IsCancel(string clientLine) => clientLine == CancelLine;

    /// <summary>RFC 4954: "=" stands for an empty initial response, since an empty string would mean "none".</summary>
    public static string InitialResponseText(string initialResponse) => initialResponse == "=" ? "" : initialResponse;

    public static bool TryDecode(string base64, out string text, out string reason)
    {
        text = "";
        if (base64.Length > MaxLength)
            return Fail("response too long", out reason);

        var buffer = new byte[base64.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
            return Fail("response is not valid base64", out reason);

        try
        {
            text = StrictUtf8.GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return Fail("response is not valid UTF-8", out reason);
        }
        reason = "";
        return true;
    }

    public static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static bool Fail(string why, out string reason)
    {
        reason = why;
        return false;
    }
}
