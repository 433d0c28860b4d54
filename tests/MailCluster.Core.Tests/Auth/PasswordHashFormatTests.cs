using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class PasswordHashFormatTests
{
    private const string Salt = "AAAAAAAAAAAAAAAAAAAAAA==";                       // 16 zero bytes
    private const string Hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";   // 32 zero bytes

    [Fact]
    public void A_proper_hash_is_well_formed()
    {
        Assert.True(PasswordHash.IsWellFormed($"pbkdf2-sha256$100000${Salt}${Hash}", out var reason));
        Assert.Equal("", reason);
    }

    [Theory]
    [InlineData("hunter2", "plain text")]
    [InlineData("", "empty")]
    [InlineData("bcrypt$12$abc$def", "unknown scheme")]
    [InlineData("PBKDF2-SHA256$210000$" + Salt + "$" + Hash, "unknown scheme")]
    [InlineData("pbkdf2-sha256$99999$" + Salt + "$" + Hash, "below the minimum")]
    [InlineData("pbkdf2-sha256$ten$" + Salt + "$" + Hash, "iteration count")]
    [InlineData("pbkdf2-sha256$-210000$" + Salt + "$" + Hash, "iteration count")]
    [InlineData("pbkdf2-sha256$999999999$" + Salt + "$" + Hash, "iteration count above")]
    [InlineData("pbkdf2-sha256$210000$not*base64$" + Hash, "salt")]
    [InlineData("pbkdf2-sha256$210000$AAAA$" + Hash, "salt")]
    [InlineData("pbkdf2-sha256$210000$" + Salt + "$%%%%", "hash")]
    [InlineData("pbkdf2-sha256$210000$" + Salt + "$AAAA", "hash")]
    [InlineData("pbkdf2-sha256$210000$" + Salt, "4 '$'-separated fields")]
    [InlineData("pbkdf2-sha256$210000$" + Salt + "$" + Hash + "$extra", "4 '$'-separated fields")]
    public void Bad_hashes_are_refused_with_a_reason(string encoded, string expectedReason)
    {
        Assert.False(PasswordHash.IsWellFormed(encoded, out var reason));
        Assert.Contains(expectedReason, reason);
    }

    [Theory]
    [InlineData("pa$$word-in-the-clear")]
    [InlineData("MySecretPassword")]
    public void Reasons_never_quote_the_input(string input)
    {
        Assert.False(PasswordHash.IsWellFormed(input, out var reason));
        Assert.DoesNotContain(input, reason);
        Assert.DoesNotContain("word", reason);
    }

    [Fact]
    public void Fast_test_hashes_parse_but_are_not_acceptable_for_config()
    {
        var weak = PasswordHash.Create("pw", 1_000);

        Assert.True(PasswordHash.Verify("pw", weak));
        Assert.False(PasswordHash.IsWellFormed(weak, out var reason));
        Assert.Contains("below the minimum", reason);
    }
}
