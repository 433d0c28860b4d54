using MailCluster.Core.Messages;

namespace MailCluster.Core.Tests;

public sealed class QueueIdTests
{
    [Fact]
    public void Ids_are_valid_unique_and_sort_by_time()
    {
        var earlier = QueueId.New(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var later = QueueId.New(DateTimeOffset.FromUnixTimeMilliseconds(1_000_001));
        var many = Enumerable.Range(0, 10_000).Select(_ => QueueId.New()).ToList();

        Assert.True(QueueId.IsValid(earlier));
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.Equal(many.Count, many.Distinct().Count());
        Assert.All(many, id => Assert.True(QueueId.IsValid(id)));
    }
}
