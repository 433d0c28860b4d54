using System.Buffers.Binary;
using System.Text;

namespace MailCluster.TestSupport;

/// <summary>The question of a parsed query, plus its raw bytes so the response can echo them unchanged.</summary>
internal sealed record DnsQuestion(ushort Id, ushort Flags, string Name, ushort Type, byte[] QuestionBytes);

/// <summary>Just enough RFC 1035 wire format for a stub: read one question, write a response.</summary>
internal static class DnsWire
{
    public const int HeaderLength = 12;
    public const byte NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4;

    private const ushort QrFlag = 0x8000, OpcodeMask = 0x7800, AaFlag = 0x0400, TcFlag = 0x0200, RdFlag = 0x0100, RaFlag = 0x0080;
    private const ushort ClassIn = 1;
    private const uint TtlSeconds = 60;

    /// <summary>Reads the header and first question; false for anything that is not a well-formed query.</summary>
    public static bool TryParseQuery(ReadOnlySpan<byte> message, out DnsQuestion question)
    {
        question = null!;
        if (message.Length < HeaderLength) return false;
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var questionCount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        if ((flags & QrFlag) != 0 || questionCount == 0) return false;

        var labels = new List<string>();
        var offset = HeaderLength;
        while (true)
        {
            if (offset >= message.Length) return false;
            int length = message[offset++];
            if (length == 0) break;
            // Compression pointers (and the reserved 01/10 label types) never appear in a sane first question.
            if (length > 63 || offset + length > message.Length) return false;
            labels.Add(Encoding.ASCII.GetString(message.Slice(offset, length)));
            offset += length;
        }
        if (offset + 4 > message.Length) return false;
        var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        offset += 4; // QTYPE + QCLASS
        question = new DnsQuestion(
            BinaryPrimitives.ReadUInt16BigEndian(message),
            flags,
            NormalizeName(string.Join('.', labels)),
            type,
            message[HeaderLength..offset].ToArray());
        return true;
    }

    /// <summary>
    /// A response echoing the question, with <paramref name="answers"/> as answer RRs owned by the
    /// question name. If it would exceed <paramref name="maxLength"/> the answers are left out and TC
    /// is set, which sends a well-behaved client over to TCP.
    /// </summary>
    public static byte[] BuildResponse(DnsQuestion question, byte rcode, IReadOnlyList<(ushort Type, byte[] Data)> answers, int maxLength)
    {
        var full = Build(question, rcode, answers, truncated: false);
        return full.Length <= maxLength ? full : Build(question, rcode, [], truncated: true);
    }

    private static byte[] Build(DnsQuestion question, byte rcode, IReadOnlyList<(ushort Type, byte[] Data)> answers, bool truncated)
    {
        var flags = (ushort)(QrFlag | (question.Flags & OpcodeMask) | AaFlag | (question.Flags & RdFlag) | RaFlag | (rcode & 0xF));
        if (truncated) flags |= TcFlag;

        var message = new List<byte>(512);
        WriteUInt16(message, question.Id);
        WriteUInt16(message, flags);
        WriteUInt16(message, 1);                      // QDCOUNT
        WriteUInt16(message, (ushort)answers.Count);  // ANCOUNT
        WriteUInt16(message, 0);                      // NSCOUNT
        WriteUInt16(message, 0);                      // ARCOUNT: no OPT, so the client assumes the classic 512-byte UDP limit
        message.AddRange(question.QuestionBytes);
        foreach (var (type, data) in answers)
        {
            message.Add(0xC0); message.Add(HeaderLength); // owner name = pointer to the question name
            WriteUInt16(message, type);
            WriteUInt16(message, ClassIn);
            WriteUInt16(message, (ushort)(TtlSeconds >> 16));
            WriteUInt16(message, (ushort)TtlSeconds);
            WriteUInt16(message, (ushort)data.Length);
            message.AddRange(data);
        }
        return message.ToArray();
    }

    /// <summary>TXT RDATA: the text as UTF-8, cut into character-strings of at most 255 bytes.</summary>
    public static byte[] EncodeTxt(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var rdata = new List<byte>(bytes.Length + bytes.Length / 255 + 1);
        var offset = 0;
        do
        {
            var chunk = Math.Min(255, bytes.Length - offset);
            rdata.Add((byte)chunk);
            rdata.AddRange(bytes.AsSpan(offset, chunk).ToArray());
            offset += chunk;
        } while (offset < bytes.Length);
        return rdata.ToArray();
    }

    /// <summary>An uncompressed domain name, as RDATA of MX, CNAME, NS and PTR needs.</summary>
    public static byte[] EncodeName(string name)
    {
        var encoded = new List<byte>();
        foreach (var label in NormalizeName(name).Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            if (bytes.Length > 63) throw new ArgumentException($"label '{label}' is longer than 63 bytes", nameof(name));
            encoded.Add((byte)bytes.Length);
            encoded.AddRange(bytes);
        }
        encoded.Add(0);
        return encoded.ToArray();
    }

    /// <summary>DNS names compare case-insensitively (RFC 4343); the stub keys everything on this form.</summary>
    public static string NormalizeName(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    private static void WriteUInt16(List<byte> message, ushort value)
    {
        message.Add((byte)(value >> 8));
        message.Add((byte)value);
    }
}
