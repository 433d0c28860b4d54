using MailCluster.Cluster.Hosting;
using MailCluster.Cluster.Policy;

namespace MailCluster.Cluster.Tests.Policy;

public sealed class GoldenPolicyTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Policy", "Golden");

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.in").Order()) data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Transcript_matches_the_reference(string name)
    {
        var user = MailClusterConfig.Parse(File.ReadAllText(Path.Combine(Folder, name + ".conf")), name + ".conf");
        var settings = NodeSettingsLoader.Load(MailClusterConfig.Layer(user), user);

        var actual = GoldenScript.Run(settings.Policy, File.ReadAllText(Path.Combine(Folder, name + ".in")));

        var refPath = Path.Combine(Folder, name + ".ref");
        if (Environment.GetEnvironmentVariable("MAILCLUSTER_UPDATE_GOLDEN") == "1")
            File.WriteAllText(Path.Combine(SourceFolder(), name + ".ref"), actual);
        Assert.Equal(File.ReadAllText(refPath).Replace("\r\n", "\n"), actual);
    }

    /// <summary>MAILCLUSTER_UPDATE_GOLDEN=1 rewrites the .ref files in the source tree; review the diff before committing.</summary>
    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Golden");
}
