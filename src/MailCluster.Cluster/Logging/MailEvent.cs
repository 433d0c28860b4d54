using System.Collections;
using System.Globalization;
using System.Text;

namespace MailCluster.Cluster.Logging;

/// <summary>
/// One line of the mail log, as Postfix's maillog has: an event name from a fixed vocabulary (<see cref="MailEvents"/>)
/// and fields in a fixed order, starting with the queue id (or the session id before one exists), so that grepping an
/// id shows a message's whole life. As text it reads <c>event=accepted queue_id=... from=&lt;a@b&gt; size=123</c>;
/// in JSON mode each field is a property of its own.
/// </summary>
public sealed class MailEvent : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>Fields rendered as &lt;address&gt; in text, like Postfix's from=&lt;&gt;, so the null sender stays visible.</summary>
    private static readonly HashSet<string> AddressFields = ["from", "to", "orig_to"];

    private readonly List<KeyValuePair<string, object?>> _fields;

    public string Name { get; }

    public MailEvent(string name, params (string Key, object? Value)[] fields)
    {
        Name = name;
        _fields = new List<KeyValuePair<string, object?>>(fields.Length + 1) { new("event", name) };
        foreach (var (key, value) in fields)
            if (value is not null) _fields.Add(new(key, value));
    }

    public int Count => _fields.Count;
    public KeyValuePair<string, object?> this[int index] => _fields[index];
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public object? this[string key] => _fields.FirstOrDefault(f => f.Key == key).Value;

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in _fields)
        {
            if (text.Length > 0) text.Append(' ');
            var rendered = Render(value);
            text.Append(key).Append('=').Append(AddressFields.Contains(key) ? $"<{rendered}>" : Quote(rendered));
        }
        return text.ToString();
    }

    public static string Render(object? value) => value switch
    {
        TimeSpan t => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Values with spaces or quotes are quoted, so every line still splits into key=value pairs.</summary>
    private static string Quote(string value) =>
        value.Length > 0 && !value.Any(c => c is ' ' or '"' or '=' || char.IsControl(c))
            ? value
            : "\"" + value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\r", @"\r").Replace("\n", @"\n") + "\"";
}
