using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace MailCluster.TestSupport.Otlp;

/// <summary>One span as exported: ids in hex, the exporting service instance (the node), and its string/int attributes.</summary>
public sealed record CollectedSpan(string TraceId, string SpanId, string? ParentSpanId, string Name, string Node,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP trace receiver on 127.0.0.1 (POST /v1/traces, protobuf), the remote peer a node exports to. It keeps
/// every span it is sent; tests read them to follow a message's trace across nodes.
/// </summary>
public sealed class OtlpTraceCollector : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();
    private readonly Task _loop;

    public Uri Endpoint { get; }
    public IReadOnlyList<CollectedSpan> Spans => _spans.ToArray();

    public OtlpTraceCollector()
    {
        var port = FreePorts.ForChildProcess();
        Endpoint = new Uri($"http://127.0.0.1:{port}/v1/traces");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (!_listener.IsListening) { return; }
            catch (HttpListenerException) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            foreach (var span in ReadExport(body.ToArray())) _spans.Enqueue(span);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1 }
    private static List<CollectedSpan> ReadExport(byte[] data)
    {
        var spans = new List<CollectedSpan>();
        var reader = new ProtobufReader(data);
        while (reader.Next(out var field, out var wire))
            if (field == 1 && wire == 2) ReadResourceSpans(reader.Bytes(), spans);
            else reader.Skip(wire);
        return spans;
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2 }; Resource { repeated KeyValue attributes = 1 }
    private static void ReadResourceSpans(ReadOnlySpan<byte> data, List<CollectedSpan> spans)
    {
        var node = "";
        var scopes = new List<byte[]>();
        var reader = new ProtobufReader(data);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2) node = Attributes(reader.Bytes(), 1).GetValueOrDefault("service.instance.id", "");
            else if (field == 2 && wire == 2) scopes.Add(reader.Bytes().ToArray());
            else reader.Skip(wire);
        }
        foreach (var scope in scopes)
        {
            // ScopeSpans { scope = 1; repeated Span spans = 2 }
            var scopeReader = new ProtobufReader(scope);
            while (scopeReader.Next(out var field, out var wire))
                if (field == 2 && wire == 2) spans.Add(ReadSpan(scopeReader.Bytes(), node));
                else scopeReader.Skip(wire);
        }
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; repeated KeyValue attributes = 9 }
    private static CollectedSpan ReadSpan(ReadOnlySpan<byte> data, string node)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        var attributes = new Dictionary<string, string>();
        var reader = new ProtobufReader(data);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, 2): traceId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (2, 2): spanId = Convert.ToHexStringLower(reader.Bytes()); break;
                case (4, 2): parent = reader.Bytes() is { Length: > 0 } p ? Convert.ToHexStringLower(p) : null; break;
                case (5, 2): name = Encoding.UTF8.GetString(reader.Bytes()); break;
                case (9, 2):
                    var (key, value) = KeyValue(reader.Bytes());
                    attributes[key] = value;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new CollectedSpan(traceId, spanId, parent, name, node, attributes);
    }

    private static Dictionary<string, string> Attributes(ReadOnlySpan<byte> data, int attributesField)
    {
        var result = new Dictionary<string, string>();
        var reader = new ProtobufReader(data);
        while (reader.Next(out var field, out var wire))
            if (field == attributesField && wire == 2)
            {
                var (key, value) = KeyValue(reader.Bytes());
                result[key] = value;
            }
            else reader.Skip(wire);
        return result;
    }

    // KeyValue { string key = 1; AnyValue value = 2 }; AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3 }
    private static (string Key, string Value) KeyValue(ReadOnlySpan<byte> data)
    {
        string key = "", value = "";
        var reader = new ProtobufReader(data);
        while (reader.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2) key = Encoding.UTF8.GetString(reader.Bytes());
            else if (field == 2 && wire == 2)
            {
                var any = new ProtobufReader(reader.Bytes());
                while (any.Next(out var f, out var w))
                    if (f == 1 && w == 2) value = Encoding.UTF8.GetString(any.Bytes());
                    else if (f is 2 or 3 && w == 0) value = any.Varint().ToString();
                    else any.Skip(w);
            }
            else reader.Skip(wire);
        }
        return (key, value);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try { await _loop; } catch (Exception) { }
        _listener.Close();
    }
}
