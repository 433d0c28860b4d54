using System.Text;

namespace MailCluster.Core.Delivery.Local;

/// <summary>
/// Local delivery into <c>&lt;root&gt;/&lt;domain&gt;/&lt;localpart&gt;/Maildir/</c>, crash-safe in the Maildir way:
/// write into tmp/, fsync the file, rename into new/, fsync new/. Once <see cref="Deliver"/> returns the message is
/// on disk under its final name, so the queue may forget it. A crash before that leaves at most a stray file in tmp/
/// (readers ignore tmp/) and the queue retries.
/// <para>
/// Failures: <see cref="InvalidMailboxException"/> is permanent (fail the recipient); <see cref="IOException"/>
/// (disk full, permission denied, ...) is transient (defer). Permission errors, which .NET raises as
/// <see cref="UnauthorizedAccessException"/>, are rethrown as <see cref="IOException"/> so that one catch decides.
/// </para>
/// The calls block on fsync: run them where blocking is fine, not on an actor's thread.
/// </summary>
public sealed class MaildirDelivery
{
    private const int MaxNameAttempts = 5;
    private readonly string _root;
    private readonly string _hostName;
    private readonly TimeProvider _time;
    private readonly bool _syncDirectories;

    /// <param name="root">The mail root; created if missing.</param>
    /// <param name="hostName">Goes into file names; defaults to the machine name.</param>
    /// <param name="time">For file names; defaults to the system clock.</param>
    /// <param name="syncDirectories">fsync directories after renames and creations (leave on outside tests of speed).</param>
    public MaildirDelivery(string root, string? hostName = null, TimeProvider? time = null, bool syncDirectories = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        _hostName = string.IsNullOrEmpty(hostName) ? Environment.MachineName : hostName;
        _time = time ?? TimeProvider.System;
        _syncDirectories = syncDirectories;
    }

    public string Root => _root;

    /// <summary>The Maildir directory of <paramref name="recipient"/> (without creating it).</summary>
    public string MaildirPath(string recipient)
    {
        var at = recipient.LastIndexOf('@');
        if (at <= 0 || at == recipient.Length - 1) throw new InvalidMailboxException(recipient, "it is not of the form local@domain");
        var domainText = recipient[(at + 1)..].TrimEnd('.');
        if (!MaildirName.TryMakeSegment(recipient[..at], out var local, out var reason))
            throw new InvalidMailboxException(recipient, $"the local part is unusable: {reason}");
        if (!MaildirName.TryMakeSegment(domainText, out var domain, out reason))
            throw new InvalidMailboxException(recipient, $"the domain is unusable: {reason}");
        var path = Path.Combine(_root, domain, local, "Maildir");
        // Belt and braces: the segment rules above should already make escaping the root impossible.
        var rootPrefix = Path.TrimEndingDirectorySeparator(_root) + Path.DirectorySeparatorChar;
        if (!Path.GetFullPath(path).StartsWith(rootPrefix, StringComparison.Ordinal))
            throw new InvalidMailboxException(recipient, "the mailbox would lie outside the mail root");
        return path;
    }

    /// <summary>
    /// Stores one message for <paramref name="recipient"/> and returns the path of the file in new/.
    /// <paramref name="content"/> is the message as spooled (CRLF lines); Return-Path and Delivered-To are put in front.
    /// </summary>
    public string Deliver(string sender, string recipient, ReadOnlyMemory<byte> content)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipient);
        if (sender.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException("The sender contains a line break.", nameof(sender));
        if (recipient.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new InvalidMailboxException(recipient, "it contains a line break");

        var maildir = MaildirPath(recipient);
        try
        {
            // Quarantined mail (sender-auth's reject-dmarc-policy on p=quarantine) goes to the Maildir++ Junk folder,
            // where IMAP servers show it as Junk. Only the first field counts: nothing a client sends can be above
            // the fields we put on top of a message.
            if (IsQuarantined(content.Span)) maildir = JunkFolder(maildir);
            var tmp = EnsureDirectory(maildir, "tmp");
            var @new = EnsureDirectory(maildir, "new");
            EnsureDirectory(maildir, "cur");

            var header = Encoding.UTF8.GetBytes($"Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\n");
            var size = header.Length + content.Length;
            var (tmpPath, name) = WriteTemporary(tmp, header, content.Span, size);
            var finalPath = Path.Combine(@new, name);
            try
            {
                // No overwrite: the random part makes a clash practically impossible, and if one happened,
                // replacing someone's mail would be worse than a retry.
                File.Move(tmpPath, finalPath, overwrite: false);
            }
            catch
            {
                TryDelete(tmpPath);
                throw;
            }
            if (_syncDirectories) DirectorySync.Flush(@new);
            return finalPath;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"Permission denied delivering to {maildir}: {ex.Message}", ex);
        }
    }

    /// <summary>The field sender-auth puts first on a message that a DMARC p=quarantine policy applies to.</summary>
    public const string QuarantineField = SenderAuth.SenderAuthRules.QuarantineHeader + ":";

    private static bool IsQuarantined(ReadOnlySpan<byte> content) =>
        content.Length >= QuarantineField.Length
        && Encoding.ASCII.GetString(content[..QuarantineField.Length]).Equals(QuarantineField, StringComparison.OrdinalIgnoreCase);

    private string JunkFolder(string maildir)
    {
        var junk = Path.Combine(maildir, ".Junk");
        EnsureDirectory(junk, "cur");
        // Maildir++: the marker file says this directory is a folder of the mailbox above it.
        var marker = Path.Combine(junk, "maildirfolder");
        if (!File.Exists(marker)) File.WriteAllBytes(marker, []);
        return junk;
    }

    private (string Path, string Name) WriteTemporary(string tmpDirectory, byte[] header, ReadOnlySpan<byte> content, long size)
    {
        for (var attempt = 1; ; attempt++)
        {
            var name = MaildirName.Unique(_time.GetUtcNow(), _hostName, size);
            var path = Path.Combine(tmpDirectory, name);
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileOptionsFor(size));
            }
            catch (IOException) when (attempt < MaxNameAttempts && File.Exists(path))
            {
                continue;
            }
            try
            {
                using (stream)
                {
                    stream.Write(header);
                    stream.Write(content);
                    stream.Flush(flushToDisk: true);
                }
                return (path, name);
            }
            catch
            {
                TryDelete(path);
                throw;
            }
        }
    }

    private static FileStreamOptions FileOptionsFor(long size)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            PreallocationSize = size,
        };
        // Mail is private: owner read/write only, whatever the umask.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>Creates maildir/sub (and its parents) if missing; a new directory's entry in its parent is fsync'd too.</summary>
    private string EnsureDirectory(string maildir, string sub)
    {
        var path = Path.Combine(maildir, sub);
        if (Directory.Exists(path)) return path;

        // Walk up to the first existing ancestor, then create downwards so each parent can be synced.
        var missing = new Stack<string>();
        for (var dir = path; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!) missing.Push(dir);
        while (missing.TryPop(out var dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (_syncDirectories) DirectorySync.Flush(Path.GetDirectoryName(dir)!);
        }
        return path;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stray file in tmp/ is harmless: readers never look there and it can be swept later.
        }
    }
}
