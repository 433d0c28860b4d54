using System.Text.Json;
using MailCluster.Cluster.Logging;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Tests;

/// <summary>One event, one line, in both formats; mail events read as key=value in text and as fields in JSON.</summary>
public sealed class LogLineTests
{
    private static string Write(LogFormat format, Action<ILogger> log)
    {
        var output = new StringWriter();
        using (var factory = NodeLogging.CreateFactory(new LoggingSettings(format, LogLevel.Debug), output))
            log(factory.CreateLogger("MailCluster.Test.Thing"));
        return output.ToString();
    }

    private static readonly MailEvent Accepted = new(MailEvents.Accepted, ("queue_id", "Q1"), ("session_id", "s1"),
        ("from", ""), ("size", 123), ("reason", "two words \"quoted\""), ("skipped", null));

    [Fact]
    public void A_mail_event_in_text_is_key_value_pairs_with_addresses_in_angle_brackets()
    {
        Assert.Equal("event=accepted queue_id=Q1 session_id=s1 from=<> size=123 reason=\"two words \\\"quoted\\\"\"", Accepted.ToString());
        var text = Write(LogFormat.Text, l => l.Log(LogLevel.Information, default, Accepted, null, (m, _) => m.ToString()));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info Thing: event=accepted queue_id=Q1 .*\n$", text);
    }

    [Fact]
    public void A_mail_event_in_json_has_the_standard_properties_and_each_field()
    {
        var line = Write(LogFormat.Json, l => l.Log(LogLevel.Warning, default, Accepted, null, (m, _) => m.ToString()));
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("warning", json.GetProperty("level").GetString());
        Assert.Equal("MailCluster.Test.Thing", json.GetProperty("logger").GetString());
        Assert.StartsWith("event=accepted queue_id=Q1", json.GetProperty("message").GetString());
        Assert.Equal("accepted", json.GetProperty("event").GetString());
        Assert.Equal("", json.GetProperty("from").GetString());
        Assert.Equal(123, json.GetProperty("size").GetInt32());
        Assert.False(json.TryGetProperty("skipped", out _));
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("timestamp").GetString(), out _));
    }

    [Fact]
    public void Newlines_and_exceptions_stay_on_one_line_and_templates_become_fields()
    {
        var text = Write(LogFormat.Text, l => l.LogError(new InvalidOperationException("boom\nsecond"), "two\nlines {n}", 2));
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("two\\nlines 2", text);

        var json = JsonDocument.Parse(Write(LogFormat.Json, l => l.LogInformation("listener {listener} ready on {endpoint}", "mx", "127.0.0.1:25"))).RootElement;
        Assert.Equal("listener mx ready on 127.0.0.1:25", json.GetProperty("message").GetString());
        Assert.Equal("mx", json.GetProperty("listener").GetString());
        Assert.False(json.TryGetProperty("{OriginalFormat}", out _));
    }
}
