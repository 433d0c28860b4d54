using MailCluster.Cluster.Hosting;

namespace MailCluster.Cluster.Tracing;

public static class TracingSettingsLoader
{
    public static TracingSettings Load(ConfigReader root)
    {
        var endpoint = root.String("tracing.otlp-endpoint");
        var service = root.String("tracing.service-name", "mailcluster");
        // Backends group by it and put it in URLs and queries: letters, digits, '.', '_' and '-' only.
        if (service.Length == 0 || !service.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            root.Error("tracing.service-name", $"'{service}' is not a service name (letters, digits, '.', '_' and '-')");
            service = TracingSettings.Off.ServiceName;
        }
        if (endpoint.Length == 0) return TracingSettings.Off with { ServiceName = service };
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            root.Error("tracing.otlp-endpoint", $"'{endpoint}' is not an http:// or https:// URL such as http://collector:4318/v1/traces");
            return TracingSettings.Off;
        }
        return new TracingSettings(uri, service);
    }
}
