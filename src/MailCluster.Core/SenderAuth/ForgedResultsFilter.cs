using System.Text;

namespace MailCluster.Core.SenderAuth;

/// <summary>
/// RFC 8601 5: an MTA must remove Authentication-Results fields that claim its own authserv-id from mail arriving
/// from outside, or anyone could send "dkim=pass" in our name. Works on the octets: every other byte of the message,
/// body included, stays as received.
/// </summary>
public static class ForgedResultsFilter
{
    /// <summary>The message without such fields; <paramref name="message"/> itself when there are none.</summary>
    public static ReadOnlyMemory<byte> Strip(ReadOnlyMemory<byte> message, string authservId, out int removed)
    {
        removed = 0;
        var span = message.Span;
        var keep = new List<(int Start, int Length)>();
        var position = 0;
        var copiedUpTo = 0;
        while (position < span.Length)
        {
            var lineEnd = span[position..].IndexOf("\r\n"u8);
            if (lineEnd <= 0) break; // the empty line ending the header (or a header without one): done
            var fieldEnd = position + lineEnd + 2;
            while (fieldEnd < span.Length && span[fieldEnd] is (byte)' ' or (byte)'\t')
            {
                var next = span[fieldEnd..].IndexOf("\r\n"u8);
                if (next < 0) { fieldEnd = span.Length; break; }
                fieldEnd += next + 2;
            }
            if (ClaimsUs(span[position..fieldEnd], authservId))
            {
                keep.Add((copiedUpTo, position - copiedUpTo));
                copiedUpTo = fieldEnd;
                removed++;
            }
            position = fieldEnd;
        }
        if (removed == 0) return message;
        keep.Add((copiedUpTo, span.Length - copiedUpTo));
        var result = new byte[keep.Sum(k => k.Length)];
        var at = 0;
        foreach (var (start, length) in keep)
        {
            span.Slice(start, length).CopyTo(result.AsSpan(at));
            at += length;
        }
        return result;
    }

    private static bool ClaimsUs(ReadOnlySpan<byte> field, string authservId)
    {
        const string name = "authentication-results";
        var colon = field.IndexOf((byte)':');
        if (colon < 0 || !Encoding.ASCII.GetString(field[..colon]).Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) return false;
        var value = Encoding.Latin1.GetString(field[(colon + 1)..]);
        var id = FirstToken(value);
        return id.TrimEnd('.').Equals(authservId.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The authserv-id: the first token, after any white space, line folds and (comments).</summary>
    private static string FirstToken(string value)
    {
        var i = 0;
        var depth = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '(') depth++;
            else if (c == ')' && depth > 0) depth--;
            else if (depth == 0 && !char.IsWhiteSpace(c)) break;
            i++;
        }
        var start = i;
        while (i < value.Length && !char.IsWhiteSpace(value[i]) && value[i] is not (';' or '(')) i++;
        return value[start..i];
    }
}
