using System.Text;
using CsCheck;
using MailCluster.Smtp.Protocol;

namespace MailCluster.Fuzz.Tests;

/// <summary>The path parser decides which mailbox a message is for: it must never throw, and what it accepts it must accept again as the same mailbox.</summary>
public sealed class PathProperties
{
    private static readonly Gen<string> Atom = Gen.Char["abcXYZ019!#$%&'*+-/=?^_`{|}~é"].Array[1, 12].Select(c => new string(c));
    private static readonly Gen<string> Label = Gen.Select(Gen.Char["abcxyz0189"].Array[1, 20], Gen.Bool)
        .Select((c, hyphen) => new string(c) + (hyphen ? "-" + new string(c) : ""));

    public static readonly Gen<(string Local, string Domain)> ValidMailbox =
        Gen.Select(Atom.Array[1, 4], Label.Array[1, 4])
           .Select((atoms, labels) => (string.Join('.', atoms), string.Join('.', labels)))
           .Where(m => Encoding.UTF8.GetByteCount(m.Item1) <= 64);

    private static readonly string[] Pieces =
        ["<", ">", "@", ":", ",", ".", "..", "\"", "\\", " ", "[", "]", "IPv6:", "::", "ffff:", "1.2.3.4", "256", "a", "B",
         "-", "é", "\u0301", "ß", "İ", "postmaster", "\t", "\x7f", "\0", "%", "!", "example", "xn--", new string('l', 63),
         new string('m', 64), new string('n', 250)];

    private static readonly Gen<string> PathLike = Gen.OneOf(
        Gen.OneOf(Pieces).Array[0, 30].Select(p => "<" + string.Concat(p)),
        Gen.String[0, 600].Select(s => "<" + s),
        ValidMailbox.Select(m => $"<{m.Local}@{m.Domain}>"));

    [Fact]
    public void Parsing_never_throws_and_what_is_accepted_reparses_to_the_same_mailbox()
    {
        Gen.Select(PathLike, Gen.Bool).Sample((input, allowNull) =>
        {
            if (!MailPathParser.TryParse(input, allowNull, out var path, out var remainder, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error), "a refusal says why");
                return;
            }
            Assert.True(input.EndsWith(remainder, StringComparison.Ordinal));
            Assert.True(Encoding.UTF8.GetByteCount(path.LocalPart) <= MailPathParser.MaxLocalPartOctets);
            Assert.True(Encoding.UTF8.GetByteCount(path.Domain) <= MailPathParser.MaxDomainOctets);
            if (path.IsNull) { Assert.True(allowNull); return; }

            // The normalised form (lower-cased domain, no trailing dot, no source route) is itself a valid path
            // for the same mailbox: what the queue stores can be parsed again by the next hop.
            Assert.True(MailPathParser.TryParse(path.ToString(), allowNull, out var again, out var rest, out var error2),
                $"{input} parsed to {path}, which does not parse again: {error2}");
            Assert.Equal("", rest);
            Assert.Equal(path.LocalPart, again.LocalPart);
            Assert.Equal(path.Domain, again.Domain);
        }, iter: FuzzRuns.Iter(20_000), time: FuzzRuns.Time);
    }

    [Fact]
    public void Every_generated_valid_mailbox_is_accepted()
    {
        ValidMailbox.Sample(m =>
        {
            Assert.True(MailPathParser.TryParse($"<{m.Local}@{m.Domain}>", false, out var path, out _, out var error), error);
            Assert.Equal(m.Local, path.LocalPart);
            Assert.Equal(m.Domain, path.Domain);
        }, iter: FuzzRuns.Iter(5_000), time: FuzzRuns.Time);
    }
}
