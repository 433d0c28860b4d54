using System.Diagnostics;
using MailCluster.TestSupport.Postgres;

namespace MailCluster.Core.Tests.Spool;

/// <summary>One private PostgreSQL server per test class; each test takes a fresh database from it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("server not started");

    /// <summary>How long initdb + start + CREATE DATABASE took, for the curious.</summary>
    public TimeSpan StartTime { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        _server = await PostgresServer.StartAsync();
        StartTime = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
