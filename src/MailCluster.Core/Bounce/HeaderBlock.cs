namespace MailCluster.Core.Bounce;

/// <summary>The header block of a raw message: everything up to the first empty line, with CRLF line ends.</summary>
internal static class HeaderBlock
{
    public static byte[] Extract(ReadOnlySpan<byte> content)
    {
        var end = content.Length;
        for (var i = 0; i < content.Length; i++)
        {
            if (content[i] != '\n') continue;
            // An empty line: LF right at the start, or LF preceded by LF or CRLF.
            var lineStart = i > 0 && content[i - 1] == '\r' ? i - 1 : i;
            if (lineStart == 0 || content[lineStart - 1] == '\n') { end = lineStart; break; }
        }
        return ToCrlf(content[..end]);
    }

    private static byte[] ToCrlf(ReadOnlySpan<byte> block)
    {
        var output = new List<byte>(block.Length + 16);
        for (var i = 0; i < block.Length; i++)
        {
            var b = block[i];
            if (b == '\n' && (i == 0 || block[i - 1] != '\r')) output.Add((byte)'\r');
            output.Add(b);
        }
        // A block cut off mid-line (no body, no final newline) still has to end its last line.
        if (output.Count > 0 && output[^1] == '\r') output.Add((byte)'\n');
        else if (output.Count > 0 && output[^1] != '\n') output.AddRange("\r\n"u8.ToArray());
        return output.ToArray();
    }

    public static bool HasEightBit(ReadOnlySpan<byte> block) => block.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
}
