using System.Text.Json;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace MailCluster.Cluster.Serialization;

/// <summary>
/// System.Text.Json with short, explicit manifests. Persisted events outlive class renames, so the manifest — not the
/// CLR type name — identifies a type, and a manifest is never reused for a different shape (add "…2" instead).
/// </summary>
public sealed class MailClusterSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int SerializerId = 471;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public override int Identifier => SerializerId;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        MessageManifests.TypeOf(manifest) is { } type
            ? JsonSerializer.Deserialize(bytes, type, Json)!
            : throw new SerializationException($"Unknown MailCluster manifest '{manifest}'");

    public override string Manifest(object o) => MessageManifests.ManifestOf(o.GetType());

    /// <summary>HOCON that binds every <see cref="IMailClusterMessage"/> to this serializer.</summary>
    public static string Hocon => $$"""
        akka.actor {
          serializers.mailcluster = "{{typeof(MailClusterSerializer).AssemblyQualifiedName}}"
          serialization-bindings {
            "{{typeof(IMailClusterMessage).AssemblyQualifiedName}}" = mailcluster
          }
          serialization-identifiers {
            "{{typeof(MailClusterSerializer).AssemblyQualifiedName}}" = {{SerializerId}}
          }
        }
        """;
}
