using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class UserDirectoryTests
{
    private static readonly SmtpUser Alice = new("alice@example.org", PasswordHash.Create("alice-pw", 1_000), ["sales@example.org"]);
    private static readonly SmtpUser Bob = new("bob", PasswordHash.Create("bob-pw", 1_000), ["Bob.Smith@example.org"]);
    private static readonly UserDirectory Directory = new([Alice, Bob]);

    [Fact]
    public void The_right_password_authenticates()
    {
        Assert.True(Directory.TryAuthenticate("bob", "bob-pw", out var user));
        Assert.Same(Bob, user);
    }

    [Theory]
    [InlineData("BOB")]
    [InlineData("Alice@Example.ORG")]
    public void Logins_compare_case_insensitively(string login)
    {
        var password = login.StartsWith('B') ? "bob-pw" : "alice-pw";

        Assert.True(Directory.TryAuthenticate(login, password, out _));
    }

    [Fact]
    public void A_wrong_password_is_refused()
    {
        Assert.False(Directory.TryAuthenticate("bob", "alice-pw", out var user));
        Assert.Null(user);
    }

    [Fact]
    public void An_unknown_login_is_refused()
    {
        // Also runs the dummy verification (default iterations) so unknown logins are not answered faster.
        Assert.False(Directory.TryAuthenticate("mallory", "bob-pw", out var user));
        Assert.Null(user);
        Assert.False(UserDirectory.Empty.TryAuthenticate("bob", "bob-pw", out _));
    }

    [Fact]
    public void Passwords_are_case_sensitive() => Assert.False(Directory.TryAuthenticate("bob", "BOB-PW", out _));

    [Theory]
    [InlineData("alice@example.org", "alice@example.org", true)]   // the login itself is an address
    [InlineData("alice@example.org", "ALICE@Example.org", true)]
    [InlineData("alice@example.org", "sales@EXAMPLE.org", true)]
    [InlineData("alice@example.org", "bob.smith@example.org", false)]
    [InlineData("bob", "bob.smith@example.org", true)]
    [InlineData("bob", "bob", false)]                               // "bob" is not an address
    [InlineData("bob", "", false)]
    [InlineData("mallory", "sales@example.org", false)]
    public void Senders_are_limited_to_the_users_addresses(string login, string sender, bool expected) =>
        Assert.Equal(expected, Directory.MayUseSender(login, sender));

    [Fact]
    public void Duplicate_logins_are_refused()
    {
        var twin = Bob with { Login = "BOB" };

        Assert.Throws<ArgumentException>(() => new UserDirectory([Bob, twin]));
    }

    [Fact]
    public void The_empty_directory_has_no_users() => Assert.Equal(0, UserDirectory.Empty.Count);

    [Fact]
    public void Printing_a_user_does_not_show_the_hash()
    {
        Assert.DoesNotContain(Bob.PasswordHash, Bob.ToString());
        Assert.Contains("bob", Bob.ToString());
    }
}
