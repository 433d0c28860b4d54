using MailCluster.Core.Queue;

namespace MailCluster.Core.Tests.Queue;

public sealed class PartitionAndRateLimitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("smtp:[relay.example]:25", "smtp:[relay.example]:25", 0)]
    [InlineData("smtp:[relay.example]:25#3", "smtp:[relay.example]:25", 3)]
    [InlineData("local", "local", 0)]
    [InlineData("smtp:example.com#12", "smtp:example.com", 12)]
    [InlineData("odd#name#x", "odd#name#x", 0)]
    [InlineData("smtp:example.com#0", "smtp:example.com#0", 0)]
    public void An_entity_id_names_its_hop_and_partition(string entityId, string hop, int partition)
    {
        var key = QueueKey.Parse(entityId);
        Assert.Equal(new QueueKey(hop, partition), key);
        Assert.Equal(hop, QueueKey.HopOf(entityId));
    }

    [Fact]
    public void Partition_0_keeps_the_plain_hop_key_so_splitting_a_hop_keeps_its_queue()
    {
        Assert.Equal("smtp:[r]:25", new QueueKey("smtp:[r]:25", 0).EntityId);
        Assert.Equal("smtp:[r]:25#2", new QueueKey("smtp:[r]:25", 2).EntityId);
        Assert.Equal(new QueueKey("smtp:[r]:25", 2), QueueKey.Parse(new QueueKey("smtp:[r]:25", 2).EntityId));
    }

    [Theory]
    [InlineData(20, 1)]
    [InlineData(20, 3)]
    [InlineData(7, 7)]
    [InlineData(10, 4)]
    [InlineData(100, 6)]
    public void The_shares_of_a_limit_add_up_to_the_limit_and_differ_by_at_most_one(int total, int partitions)
    {
        var shares = Enumerable.Range(0, partitions).Select(p => PartitionShare.Of(total, partitions, p)).ToList();
        Assert.Equal(total, shares.Sum());
        Assert.True(shares.Max() - shares.Min() <= 1);
        Assert.All(shares, s => Assert.True(s >= 1));
    }

    [Fact]
    public void A_token_bucket_allows_its_burst_then_one_token_per_interval()
    {
        var bucket = new TokenBucket(ratePerSecond: 2, capacity: 2, T0);
        Assert.True(bucket.TryTake(T0));
        Assert.True(bucket.TryTake(T0));
        Assert.False(bucket.TryTake(T0));
        Assert.Equal(T0.AddMilliseconds(500), bucket.NextTokenAt(T0));
        Assert.False(bucket.TryTake(T0.AddMilliseconds(400)));
        Assert.True(bucket.TryTake(T0.AddMilliseconds(500)));
        // Saved-up tokens never exceed the burst size.
        Assert.True(bucket.TryTake(T0.AddSeconds(60)));
        Assert.True(bucket.TryTake(T0.AddSeconds(60)));
        Assert.False(bucket.TryTake(T0.AddSeconds(60)));
    }

    [Fact]
    public void A_zero_rate_is_unlimited()
    {
        var limiter = new DestinationRateLimiter(RateLimit.None, T0);
        for (var i = 0; i < 1000; i++) Assert.True(limiter.TryStartMessage(T0));
        Assert.True(limiter.CanConnect(T0));
        Assert.Null(limiter.NextMessageAt(T0));
    }

    [Fact]
    public void Messages_per_minute_allow_the_minute_in_a_burst_then_wait_for_refill()
    {
        var limiter = new DestinationRateLimiter(new RateLimit(0, 6, 0), T0);
        for (var i = 0; i < 6; i++) Assert.True(limiter.TryStartMessage(T0), $"message {i}");
        Assert.False(limiter.TryStartMessage(T0));
        Assert.Equal(T0.AddSeconds(10), limiter.NextMessageAt(T0));
        Assert.True(limiter.TryStartMessage(T0.AddSeconds(10)));
    }

    [Fact]
    public void Both_message_limits_must_allow_and_a_refusal_takes_no_token()
    {
        var limiter = new DestinationRateLimiter(new RateLimit(MessagesPerSecond: 1, MessagesPerMinute: 2, ConnectionsPerMinute: 0), T0);
        Assert.True(limiter.TryStartMessage(T0));
        Assert.False(limiter.TryStartMessage(T0)); // per second
        Assert.True(limiter.TryStartMessage(T0.AddSeconds(1)));
        Assert.False(limiter.TryStartMessage(T0.AddSeconds(2))); // per minute: 2 used, next in 30 s
        Assert.Equal(T0.AddSeconds(30), limiter.NextMessageAt(T0.AddSeconds(2)));
    }

    [Fact]
    public void Connections_per_minute_gate_new_connections_only()
    {
        var limiter = new DestinationRateLimiter(new RateLimit(0, 0, ConnectionsPerMinute: 2), T0);
        Assert.True(limiter.CanConnect(T0));
        limiter.Connected(T0);
        limiter.Connected(T0);
        Assert.False(limiter.CanConnect(T0));
        Assert.True(limiter.TryStartMessage(T0)); // a message on an open connection is not a new connection
        Assert.Equal(T0.AddSeconds(30), limiter.NextConnectionAt(T0));
    }

    [Fact]
    public void A_rate_is_split_evenly_over_partitions()
    {
        var share = new RateLimit(10, 600, 60).Share(4);
        Assert.Equal(new RateLimit(2.5, 150, 15), share);
    }
}
