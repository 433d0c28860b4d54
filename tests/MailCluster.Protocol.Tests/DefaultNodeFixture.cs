namespace MailCluster.Protocol.Tests;

/// <summary>One node with the default test config, shared by a test class whose tests don't change its config.</summary>
public sealed class DefaultNodeFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
