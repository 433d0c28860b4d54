using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace MailCluster.Cli.Admin;

/// <summary>The node could not be reached at all (connection refused, DNS, timeout): exit 69.</summary>
public sealed class AdminUnreachableException(string message) : Exception(message);

/// <summary>The node answered with an error (problem details): exit 1, or 2 for a bad request.</summary>
public sealed class AdminErrorException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>HTTP to a node's admin API; turns transport failures and problem details into the two exceptions above.</summary>
public sealed class AdminClient(AdminConnection connection) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly HttpClient _http = Create(connection);

    public string Url => connection.Url;

    private static HttpClient Create(AdminConnection connection)
    {
        var http = new HttpClient { BaseAddress = new Uri(connection.Url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(connection.Token)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        return http;
    }

    public Task<JsonElement> GetAsync(string path) => SendAsync(() => _http.GetAsync(path.TrimStart('/')));

    public Task<JsonElement> PostAsync(string path, object? body = null) =>
        SendAsync(() => _http.PostAsJsonAsync(path.TrimStart('/'), body ?? new { }, Json));

    public static T As<T>(JsonElement element) => element.Deserialize<T>(Json)!;

    private async Task<JsonElement> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        HttpResponseMessage response;
        try { response = await send(); }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException || ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new AdminUnreachableException($"cannot reach the node at {connection.Url}: {ex.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new AdminUnreachableException($"the node at {connection.Url} did not answer in time");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone();
            throw new AdminErrorException((int)response.StatusCode, Describe(response.StatusCode, text));
        }
    }

    /// <summary>"title: detail" from RFC 7807 problem details, else the status line.</summary>
    private static string Describe(HttpStatusCode status, string body)
    {
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (title is not null) return detail is null ? title : $"{title}: {detail}";
        }
        catch (JsonException) { }
        return $"HTTP {(int)status} {status}";
    }

    public void Dispose() => _http.Dispose();
}
