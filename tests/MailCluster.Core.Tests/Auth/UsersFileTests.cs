using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class UsersFileTests
{
    // Config validation insists on the minimum iteration count, so the file hashes cannot use the fast setting.
    private static readonly string AliceHash = PasswordHash.Create("alice-pw", PasswordHash.MinimumIterations);
    private static readonly string BobHash = PasswordHash.Create("bob-pw", PasswordHash.MinimumIterations);

    [Fact]
    public void Good_lines_comments_and_blank_lines()
    {
        var text = $"""
            # SMTP AUTH users
            alice@example.org:{AliceHash}

              bob:{BobHash}:bob.smith@EXAMPLE.org, sales@Example.Org
            """.Replace("\n", "\r\n");

        var directory = UserDirectory.ParseUsersFile(text, out var errors);

        Assert.Empty(errors);
        Assert.Equal(2, directory.Count);
        Assert.True(directory.TryAuthenticate("bob", "bob-pw", out var bob));
        Assert.Equal(["bob.smith@example.org", "sales@example.org"], bob.Addresses);
        Assert.True(directory.TryAuthenticate("alice@example.org", "alice-pw", out var alice));
        Assert.Empty(alice.Addresses);
        Assert.True(directory.MayUseSender("alice@example.org", "alice@example.org"));
    }

    [Fact]
    public void Bad_lines_are_reported_by_number_and_good_lines_still_load()
    {
        var weak = PasswordHash.Create("weak-pw", 1_000);
        var text = string.Join('\n',
            "# header",                                   // 1
            $"alice@example.org:{AliceHash}",             // 2
            "carol:PlainTextSecret",                      // 3  plain text
            "no-colon-at-all-Secret",                     // 4  missing hash
            $"dave:{weak}",                               // 5  too few iterations
            $":{BobHash}",                                // 6  empty login
            $"erin:{BobHash}:not-an-address",             // 7  bad sender
            $"ALICE@example.org:{BobHash}",               // 8  duplicate login
            $"frank:{BobHash}:a@b.c:extra",               // 9  too many fields
            "gina:md5$abc$def$ghi");                      // 10 unknown scheme

        var directory = UserDirectory.ParseUsersFile(text, out var errors);

        Assert.Equal(1, directory.Count);
        Assert.Collection(errors,
            e => Assert.StartsWith("line 3: unusable password hash: not a hash", e),
            e => Assert.StartsWith("line 4: expected login:hash", e),
            e => Assert.StartsWith("line 5: unusable password hash: iteration count below", e),
            e => Assert.StartsWith("line 6: empty login", e),
            e => Assert.StartsWith("line 7: sender address 1", e),
            e => Assert.Equal("line 8: duplicate login (first defined on line 2)", e),
            e => Assert.StartsWith("line 9: too many", e),
            e => Assert.StartsWith("line 10: unusable password hash: unknown scheme", e));
    }

    [Fact]
    public void Errors_never_echo_secrets_hashes_or_logins()
    {
        var weak = PasswordHash.Create("weak-pw", 1_000);
        var text = string.Join('\n',
            "carol:PlainTextSecret",
            "TopSecretWithoutColon",
            $"dave:{weak}",
            $"eve:{BobHash}:bad address");

        UserDirectory.ParseUsersFile(text, out var errors);

        var all = string.Join('\n', errors);
        Assert.Equal(4, errors.Count);
        foreach (var secret in new[] { "PlainTextSecret", "TopSecret", weak, weak.Split('$')[2], weak.Split('$')[3], BobHash, "carol", "dave" })
            Assert.DoesNotContain(secret, all);
    }

    [Fact]
    public void An_empty_file_is_an_empty_directory()
    {
        var directory = UserDirectory.ParseUsersFile("# nobody yet\n\n", out var errors);

        Assert.Empty(errors);
        Assert.Equal(0, directory.Count);
    }
}
