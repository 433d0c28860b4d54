using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class PlainMechanismTests
{
    [Fact]
    public void An_initial_response_completes_at_once()
    {
        var step = new PlainMechanism().Start(Base64Text.Of("\0alice\0s3cret"));

        Assert.Equal(new Credentials("alice", "s3cret"), step);
    }

    [Fact]
    public void Without_an_initial_response_the_server_sends_an_empty_challenge()
    {
        var plain = new PlainMechanism();

        Assert.Equal(new Challenge(""), plain.Start(null));
        Assert.Equal(new Credentials("alice", "s3cret"), plain.Continue(Base64Text.Of("\0alice\0s3cret")));
    }

    [Fact]
    public void Passwords_may_hold_any_utf8_except_nul()
    {
        var step = new PlainMechanism().Start(Base64Text.Of("\0jörg@example.de\0pässwört: $1 ✓"));

        Assert.Equal(new Credentials("jörg@example.de", "pässwört: $1 ✓"), step);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("ALICE")]
    public void An_authzid_naming_the_same_user_is_accepted(string authzid) =>
        Assert.IsType<Credentials>(new PlainMechanism().Start(Base64Text.Of($"{authzid}\0alice\0s3cret")));

    [Fact]
    public void An_authzid_naming_someone_else_is_refused()
    {
        var step = new PlainMechanism().Start(Base64Text.Of("bob\0alice\0s3cret"));

        Assert.Equal(new SaslFailure("authorization identity differs from authentication identity"), step);
    }

    [Fact]
    public void An_equals_sign_is_an_empty_initial_response_which_plain_cannot_use()
    {
        var step = new PlainMechanism().Start("=");

        Assert.IsType<SaslFailure>(step);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AGFsaWNlAHMzY3JldA")]   // padding missing
    [InlineData("*")]                    // only a response to a challenge can cancel
    public void Bad_base64_is_refused(string initialResponse)
    {
        var step = Assert.IsType<SaslFailure>(new PlainMechanism().Start(initialResponse));

        Assert.Contains("base64", step.Reason);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var bytes = new byte[] { 0, (byte)'a', 0, 0xC3, 0x28 };

        Assert.IsType<SaslFailure>(new PlainMechanism().Start(Convert.ToBase64String(bytes)));
    }

    [Theory]
    [InlineData("alice s3cret")]          // no NULs
    [InlineData("alice\0s3cret")]         // one NUL
    [InlineData("\0alice\0s3cret\0more")] // three NULs
    [InlineData("\0\0s3cret")]            // empty authcid
    [InlineData("\0alice\0")]             // empty password
    public void Messages_without_exactly_three_parts_are_refused(string message) =>
        Assert.IsType<SaslFailure>(new PlainMechanism().Start(Base64Text.Of(message)));

    [Fact]
    public void Failure_reasons_do_not_echo_the_client_data()
    {
        var step = Assert.IsType<SaslFailure>(new PlainMechanism().Start(Base64Text.Of("bob\0alice\0TopSecret")));

        Assert.DoesNotContain("TopSecret", step.Reason);
        Assert.DoesNotContain("alice", step.Reason);
    }

    [Fact]
    public void A_star_in_answer_to_the_challenge_cancels()
    {
        var plain = new PlainMechanism();
        plain.Start(null);

        Assert.IsType<SaslCancelled>(plain.Continue("*"));
    }

    [Fact]
    public void Continuing_a_finished_exchange_is_a_caller_bug()
    {
        var plain = new PlainMechanism();
        plain.Start(Base64Text.Of("\0alice\0s3cret"));

        Assert.Throws<InvalidOperationException>(() => plain.Continue("AAAA"));
        Assert.Throws<InvalidOperationException>(() => plain.Start(null));
    }

    [Fact]
    public void Printing_credentials_hides_the_password()
    {
        var text = new Credentials("alice", "TopSecret").ToString();

        Assert.DoesNotContain("TopSecret", text);
        Assert.Contains("alice", text);
    }
}
