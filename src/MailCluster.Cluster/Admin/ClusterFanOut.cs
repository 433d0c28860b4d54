using Akka.Actor;
using Akka.Cluster;

namespace MailCluster.Cluster.Admin;

/// <summary>
/// Asks the same per-node actor (/user/NAME) on every Up member at once, for views of the whole cluster that no single
/// node holds (mail-log traces, refusals, throughput history). A member that does not answer within 3 s is returned
/// by address, so the view can say what it is missing.
/// </summary>
public static class ClusterFanOut
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public static async Task<(List<T> Answers, List<string> Silent)> AskEveryMemberAsync<T>(ActorSystem system, string actorName, object question)
        where T : class
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var members = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToList();
        if (members.Count == 0) members = [cluster.SelfAddress];
        var answers = await Task.WhenAll(members.Select(async address =>
        {
            try { return (address, answer: await system.ActorSelection($"{address}/user/{actorName}").Ask<T>(question, AskTimeout)); }
            catch (AskTimeoutException) { return (address, answer: (T?)null); }
        }));
        return (answers.Where(a => a.answer is not null).Select(a => a.answer!).ToList(),
            answers.Where(a => a.answer is null).Select(a => a.address.ToString()).ToList());
    }
}
