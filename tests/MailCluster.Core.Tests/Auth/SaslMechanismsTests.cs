using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class SaslMechanismsTests
{
    [Fact]
    public void Plain_and_login_are_offered_in_that_order() =>
        Assert.Equal(["PLAIN", "LOGIN"], SaslMechanisms.Names);

    [Theory]
    [InlineData("PLAIN", typeof(PlainMechanism))]
    [InlineData("plain", typeof(PlainMechanism))]
    [InlineData("LOGIN", typeof(LoginMechanism))]
    [InlineData("Login", typeof(LoginMechanism))]
    public void Offered_names_create_their_mechanism(string name, Type expected)
    {
        var mechanism = SaslMechanisms.Create(name);

        Assert.IsType(expected, mechanism);
        Assert.Equal(name.ToUpperInvariant(), mechanism!.Name);
    }

    [Theory]
    [InlineData("CRAM-MD5")]
    [InlineData("DIGEST-MD5")]
    [InlineData("XOAUTH2")]
    [InlineData("")]
    public void Unsupported_mechanisms_are_null(string name) => Assert.Null(SaslMechanisms.Create(name));

    [Fact]
    public void Each_call_returns_a_fresh_state_machine() =>
        Assert.NotSame(SaslMechanisms.Create("LOGIN"), SaslMechanisms.Create("LOGIN"));

    [Fact]
    public void Every_advertised_name_can_be_created()
    {
        foreach (var name in SaslMechanisms.Names)
            Assert.NotNull(SaslMechanisms.Create(name));
    }
}
