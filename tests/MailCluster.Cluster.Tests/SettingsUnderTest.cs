using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tests;

/// <summary>Loads a HOCON text the way the node does (over reference.conf), for the settings tests.</summary>
internal static class SettingsUnderTest
{
    public static (NodeSettings? Settings, IReadOnlyList<ConfigProblem> Problems) Load(string hocon)
    {
        var user = MailClusterConfig.Parse(hocon, "test.conf");
        return NodeSettingsLoader.TryLoad(MailClusterConfig.Layer(user), user);
    }
}
