using MailCluster.Core.Auth;

namespace MailCluster.Core.Tests.Auth;

public sealed class LoginMechanismTests
{
    [Fact]
    public void Prompts_for_username_then_password()
    {
        var login = new LoginMechanism();

        Assert.Equal(new Challenge("VXNlcm5hbWU6"), login.Start(null));
        Assert.Equal(new Challenge("UGFzc3dvcmQ6"), login.Continue(Base64Text.Of("alice@example.org")));
        Assert.Equal(new Credentials("alice@example.org", "s3cret"), login.Continue(Base64Text.Of("s3cret")));
    }

    [Fact]
    public void An_initial_response_is_the_username()
    {
        var login = new LoginMechanism();

        Assert.Equal(new Challenge("UGFzc3dvcmQ6"), login.Start(Base64Text.Of("alice")));
        Assert.Equal(new Credentials("alice", "s3cret"), login.Continue(Base64Text.Of("s3cret")));
    }

    [Fact]
    public void An_empty_initial_response_is_an_empty_username_and_refused() =>
        Assert.IsType<SaslFailure>(new LoginMechanism().Start("="));

    [Fact]
    public void A_star_cancels_at_the_username_prompt()
    {
        var login = new LoginMechanism();
        login.Start(null);

        Assert.IsType<SaslCancelled>(login.Continue("*"));
    }

    [Fact]
    public void A_star_cancels_at_the_password_prompt()
    {
        var login = new LoginMechanism();
        login.Start(Base64Text.Of("alice"));

        Assert.IsType<SaslCancelled>(login.Continue("*"));
        Assert.Throws<InvalidOperationException>(() => login.Continue(Base64Text.Of("s3cret")));
    }

    [Theory]
    [InlineData("@@@")]
    [InlineData("")]
    public void Bad_or_empty_usernames_are_refused(string line)
    {
        var login = new LoginMechanism();
        login.Start(null);

        Assert.IsType<SaslFailure>(login.Continue(line));
    }

    [Fact]
    public void A_bad_password_line_is_refused_without_echoing_it()
    {
        var login = new LoginMechanism();
        login.Start(Base64Text.Of("alice"));

        var step = Assert.IsType<SaslFailure>(login.Continue("TopSecret!"));
        Assert.DoesNotContain("TopSecret", step.Reason);
    }

    [Fact]
    public void Continuing_a_finished_exchange_is_a_caller_bug()
    {
        var login = new LoginMechanism();
        login.Start(Base64Text.Of("alice"));
        login.Continue(Base64Text.Of("s3cret"));

        Assert.Throws<InvalidOperationException>(() => login.Continue(Base64Text.Of("again")));
    }
}
