using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class PasswordHashTests
{
    // Low so the suite stays fast; the default is exercised once below.
    private const int FastIterations = 1_000;

    [Fact]
    public void A_hash_verifies_its_own_password()
    {
        var encoded = PasswordHash.Create("correct horse", FastIterations);

        Assert.True(PasswordHash.Verify("correct horse", encoded));
    }

    [Fact]
    public void A_wrong_password_does_not_verify()
    {
        var encoded = PasswordHash.Create("correct horse", FastIterations);

        Assert.False(PasswordHash.Verify("correct horsE", encoded));
        Assert.False(PasswordHash.Verify("", encoded));
    }

    [Fact]
    public void The_default_uses_210000_iterations_and_is_well_formed()
    {
        var encoded = PasswordHash.Create("s3cret!");

        var fields = encoded.Split('$');
        Assert.Equal("pbkdf2-sha256", fields[0]);
        Assert.Equal("210000", fields[1]);
        Assert.Equal(16, Convert.FromBase64String(fields[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(fields[3]).Length);
        Assert.True(PasswordHash.IsWellFormed(encoded, out _));
        Assert.True(PasswordHash.Verify("s3cret!", encoded));
    }

    [Fact]
    public void Each_hash_gets_its_own_salt()
    {
        Assert.NotEqual(PasswordHash.Create("same", FastIterations), PasswordHash.Create("same", FastIterations));
    }

    [Fact]
    public void A_tampered_hash_does_not_verify()
    {
        var fields = PasswordHash.Create("pw", FastIterations).Split('$');
        var hash = Convert.FromBase64String(fields[3]);
        hash[^1] ^= 0x01; // same length, so the comparison runs through FixedTimeEquals and says no
        fields[3] = Convert.ToBase64String(hash);

        Assert.False(PasswordHash.Verify("pw", string.Join('$', fields)));
    }

    [Fact]
    public void A_tampered_salt_or_iteration_count_does_not_verify()
    {
        var fields = PasswordHash.Create("pw", FastIterations).Split('$');

        var otherIterations = (string[])fields.Clone();
        otherIterations[1] = "1001";
        var otherSalt = (string[])fields.Clone();
        otherSalt[2] = Convert.ToBase64String(new byte[16]);

        Assert.False(PasswordHash.Verify("pw", string.Join('$', otherIterations)));
        Assert.False(PasswordHash.Verify("pw", string.Join('$', otherSalt)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pw")]
    [InlineData("pbkdf2-sha256$1000$!!!$AAAA")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==")]
    public void Malformed_hashes_never_verify_and_never_throw(string encoded) =>
        Assert.False(PasswordHash.Verify("pw", encoded));

    [Fact]
    public void Verification_uses_the_iteration_count_stored_in_the_hash()
    {
        var encoded = PasswordHash.Create("pw", 1);

        Assert.True(PasswordHash.Verify("pw", encoded));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Nonsense_iteration_counts_are_refused_on_create(int iterations) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordHash.Create("pw", iterations));

    [Fact]
    public void Exceptions_never_carry_the_password()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => PasswordHash.Create("hunter2-secret", 0));

        Assert.DoesNotContain("hunter2-secret", ex.ToString());
    }
}
