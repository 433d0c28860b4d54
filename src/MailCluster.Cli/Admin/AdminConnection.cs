namespace MailCluster.Cli.Admin;

/// <summary>Where the admin API is and how to authenticate: --url / --token, else $MAILCTL_URL / $MAILCTL_TOKEN.</summary>
public sealed record AdminConnection(string Url, string? Token)
{
    public const string DefaultUrl = "http://127.0.0.1:8025";

    public static AdminConnection From(ParsedOptions options)
    {
        var url = options.Optional("url") ?? Environment.GetEnvironmentVariable("MAILCTL_URL") ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"--url '{url}' is not an http:// or https:// URL");
        var token = options.Optional("token") ?? Environment.GetEnvironmentVariable("MAILCTL_TOKEN");
        return new AdminConnection(url, string.IsNullOrEmpty(token) ? null : token);
    }
}
