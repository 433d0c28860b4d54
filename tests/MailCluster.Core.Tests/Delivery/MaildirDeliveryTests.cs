using System.Text;
using System.Text.RegularExpressions;
using MailCluster.Core.Delivery.Local;

namespace MailCluster.Core.Tests.Delivery;

public sealed class MaildirDeliveryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "maildir-test-" + Guid.NewGuid().ToString("N"));
    private static readonly byte[] Message = "Subject: hi\r\nFrom: a@example.org\r\n\r\nBody line\r\n"u8.ToArray();

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private MaildirDelivery Delivery(TimeProvider? time = null) => new(_root, "node1.example", time);

    [Fact]
    public void A_message_lands_in_new_with_envelope_headers_in_front()
    {
        var path = Delivery().Deliver("a@example.org", "Bob@Example.COM", Message);

        var maildir = Path.Combine(_root, "example.com", "bob", "Maildir");
        Assert.Equal(Path.Combine(maildir, "new"), Path.GetDirectoryName(path));
        Assert.True(Directory.Exists(Path.Combine(maildir, "tmp")));
        Assert.True(Directory.Exists(Path.Combine(maildir, "cur")));
        Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "tmp")));

        var expected = "Return-Path: <a@example.org>\r\nDelivered-To: Bob@Example.COM\r\n"u8.ToArray().Concat(Message).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Quarantined_mail_goes_to_the_Junk_folder_and_a_quarantine_field_lower_down_changes_nothing()
    {
        var quarantined = "X-MailCluster-Quarantine: reject-dmarc-policy; dmarc=fail header.from=shop.example p=quarantine\r\n"u8.ToArray().Concat(Message).ToArray();
        var forged = "Received: from x by y; Mon, 7 Dec 2026 10:00:00 +0000\r\nX-MailCluster-Quarantine: forged\r\n"u8.ToArray().Concat(Message).ToArray();

        var junk = Delivery().Deliver("a@example.org", "bob@example.com", quarantined);
        var inbox = Delivery().Deliver("a@example.org", "bob@example.com", forged);

        var maildir = Path.Combine(_root, "example.com", "bob", "Maildir");
        Assert.Equal(Path.Combine(maildir, ".Junk", "new"), Path.GetDirectoryName(junk));
        Assert.True(File.Exists(Path.Combine(maildir, ".Junk", "maildirfolder")));
        Assert.True(Directory.Exists(Path.Combine(maildir, ".Junk", "cur")));
        Assert.Equal(Path.Combine(maildir, "new"), Path.GetDirectoryName(inbox));
    }

    [Fact]
    public void The_null_sender_gets_an_empty_return_path()
    {
        var path = Delivery().Deliver("", "bob@example.com", Message);
        Assert.StartsWith("Return-Path: <>\r\nDelivered-To: bob@example.com\r\n", File.ReadAllText(path));
    }

    [Fact]
    public void File_names_follow_the_maildir_convention_and_carry_the_size()
    {
        var time = new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123).AddTicks(4560));
        var path = new MaildirDelivery(_root, "host/with:odd", time).Deliver("a@example.org", "bob@example.com", Message);
        var name = Path.GetFileName(path);
        var match = Regex.Match(name, @"^1700000000\.M123456P(\d+)R([0-9a-f]{16})\.host\\057with\\072odd,S=(\d+)$");
        Assert.True(match.Success, name);
        Assert.Equal(Environment.ProcessId.ToString(), match.Groups[1].Value);
        Assert.Equal(new FileInfo(path).Length.ToString(), match.Groups[3].Value);
    }

    [Fact]
    public void Many_deliveries_in_the_same_instant_get_distinct_files()
    {
        var time = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var delivery = Delivery(time);
        var paths = Enumerable.Range(0, 50)
            .AsParallel()
            .Select(i => delivery.Deliver("a@example.org", "bob@example.com", Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\n")))
            .ToArray();
        Assert.Equal(50, paths.Distinct().Count());
        Assert.Equal(50, Directory.GetFiles(Path.Combine(_root, "example.com", "bob", "Maildir", "new")).Length);
    }

    [Fact]
    public void Mailboxes_are_case_insensitive_and_quoted_local_parts_unquoted()
    {
        var d = Delivery();
        var a = d.Deliver("", "Alice@example.com", Message);
        var b = d.Deliver("", "ALICE@EXAMPLE.COM.", Message);
        Assert.Equal(Path.GetDirectoryName(a), Path.GetDirectoryName(b));
        Assert.Equal(Path.Combine(_root, "example.com", "john doe", "Maildir"), d.MaildirPath("\"John Doe\"@example.com"));
        Assert.Equal(Path.Combine(_root, "example.com", "jörg", "Maildir"), d.MaildirPath("Jörg@example.com"));
    }

    [Theory]
    [InlineData("../etc@example.com", "path separator")]
    [InlineData("..@example.com", "starts with '.'")]
    [InlineData(".hidden@example.com", "starts with '.'")]
    [InlineData("a..b@example.com", "contains '..'")]
    [InlineData("\"a/b\"@example.com", "path separator")]
    [InlineData("\"a\\/b\"@example.com", "path separator")]
    [InlineData("\"a\\\\b\"@example.com", "path separator")]
    [InlineData("a\u0001b@example.com", "control character")]
    [InlineData("a\u007fb@example.com", "control character")]
    [InlineData("\"\"@example.com", "empty")]
    [InlineData("bob@../x", "path separator")]
    [InlineData("bob@..x", "starts with '.'")]
    [InlineData("bob@a..x", "contains '..'")]
    [InlineData("bob@a/b", "path separator")]
    [InlineData("bob@.", "empty")]
    [InlineData("bob", "local@domain")]
    [InlineData("@example.com", "local@domain")]
    [InlineData("bob@", "local@domain")]
    [InlineData("bob\r\nX-Injected: 1@example.com", "line break")]
    public void Unusable_mailboxes_are_refused_as_permanent_failures(string recipient, string reason)
    {
        var ex = Assert.Throws<InvalidMailboxException>(() => Delivery().Deliver("a@example.org", recipient, Message));
        Assert.Contains(reason, ex.Message);
        Assert.Equal("5.1.3", ex.EnhancedStatus);
        Assert.Equal(recipient, ex.Recipient);
        Assert.False(Directory.Exists(_root) && Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void An_overlong_local_part_is_refused()
    {
        var ex = Assert.Throws<InvalidMailboxException>(() => Delivery().Deliver("", new string('a', 300) + "@example.com", Message));
        Assert.Contains("longer", ex.Message);
    }

    [Fact]
    public void A_sender_with_a_line_break_is_refused() =>
        Assert.Throws<ArgumentException>(() => Delivery().Deliver("a@x\r\nBcc: y", "bob@example.com", Message));

    [Fact]
    public void A_file_system_problem_is_an_io_exception_so_the_caller_defers()
    {
        // The domain directory's place is taken by a file: creating the Maildir fails with an I/O error.
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "example.com"), "in the way");
        Assert.ThrowsAny<IOException>(() => Delivery().Deliver("", "bob@example.com", Message));
    }

    [Fact]
    public void A_permission_problem_is_an_io_exception_too()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root") return; // root ignores permissions
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Assert.ThrowsAny<IOException>(() => Delivery().Deliver("", "bob@example.com", Message));
        }
        finally
        {
            File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Messages_and_directories_are_private_to_the_owner()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = Delivery().Deliver("", "bob@example.com", Message);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(owner, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(owner, File.GetUnixFileMode(Path.Combine(_root, "example.com", "bob")));
    }

    [Fact]
    public void Existing_maildirs_are_reused_and_an_empty_message_is_fine()
    {
        var d = Delivery();
        d.Deliver("", "bob@example.com", Message);
        var path = d.Deliver("", "bob@example.com", ReadOnlyMemory<byte>.Empty);
        Assert.Equal("Return-Path: <>\r\nDelivered-To: bob@example.com\r\n", File.ReadAllText(path));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
