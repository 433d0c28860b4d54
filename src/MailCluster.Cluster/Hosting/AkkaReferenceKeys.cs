using System.Reflection;
using Akka.Configuration;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// Every akka.* key Akka's own reference configs define, for the modules this node loads (core, remote, cluster,
/// sharding, tools, distributed data, persistence, Persistence.Sql, streams, management, discovery, ...). Read from
/// the .conf files each Akka assembly embeds, found by walking the assembly references, so a new module or version
/// brings its keys with it and there is no hand-kept list to go stale.
/// </summary>
public static class AkkaReferenceKeys
{
    private static readonly Lazy<KeyTree> LazyTree = new(Build);

    /// <summary>The merged tree; its root has the single child "akka" (plus anything else a module defines at top level).</summary>
    public static KeyTree Tree => LazyTree.Value;

    private static KeyTree Build()
    {
        var tree = new KeyTree();
        foreach (var assembly in AkkaAssemblies())
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".conf", StringComparison.OrdinalIgnoreCase)))
            {
                try
                {
                    using var stream = assembly.GetManifestResourceStream(name);
                    if (stream is null) continue;
                    using var reader = new StreamReader(stream);
                    tree.Add(ConfigurationFactory.ParseString(reader.ReadToEnd()).Root);
                }
                catch (Exception)
                {
                    // A resource that does not parse on its own (it expects another as fallback) adds no keys. Missing
                    // keys only make the check more lenient: below the first level, unknown akka keys are allowed.
                }
            }
        // What MailCluster derives itself (AkkaBootstrap) is under keys those files define, except its serializer.
        tree.Add(ConfigurationFactory.ParseString(Serialization.MailClusterSerializer.Hocon).Root);
        return tree;
    }

    private static IEnumerable<Assembly> AkkaAssemblies()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(AkkaReferenceKeys).Assembly]);
        while (pending.Count > 0)
        {
            var assembly = pending.Pop();
            if (assembly.GetName().Name is { } own && own.StartsWith("Akka", StringComparison.Ordinal)) yield return assembly;
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is not { } name || !name.StartsWith("Akka", StringComparison.Ordinal) || !seen.Add(name)) continue;
                Assembly? loaded = null;
                try { loaded = Assembly.Load(reference); } catch (Exception) { } // not deployed: nothing it could configure
                if (loaded is not null) pending.Push(loaded);
            }
        }
    }
}
