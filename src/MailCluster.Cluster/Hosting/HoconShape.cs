using Akka.Configuration.Hocon;

namespace MailCluster.Cluster.Hosting;

/// <summary>
/// What a HOCON value is. Akka's own IsArray/GetString do not say: GetString returns null for a list and
/// GetStringList returns [] for a plain string, so a value of the wrong type would silently become the default.
/// </summary>
public static class HoconShape
{
    /// <summary>A plain value: string, number, boolean, duration or size (all literals to HOCON).</summary>
    public static bool IsText(HoconValue? value) => value is { Values.Count: > 0 } && value.Values.All(e => e.IsString());

    /// <summary>One or more arrays (HOCON concatenates "[a] [b]"); Akka's parser keeps the blanks between and after them.</summary>
    public static bool IsList(HoconValue? value) =>
        value is not null && value.Values.Any(e => e.IsArray())
                          && value.Values.All(e => e.IsArray() || (e.IsString() && string.IsNullOrWhiteSpace(e.GetString())));

    /// <summary>Absent, or HOCON null: "use the default".</summary>
    public static bool IsNull(HoconValue? value) => value is null || value.Values.Count == 0 || (IsText(value) && value.GetString() is null);
}
