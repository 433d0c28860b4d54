using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MailCluster.TestSupport;

/// <summary>
/// A tiny authoritative DNS server on 127.0.0.1 (UDP and TCP, same ephemeral port) that answers from
/// records the test adds. Unknown names get NXDOMAIN; names can be made to SERVFAIL or to go unanswered
/// (to force client timeouts). Every query is recorded, so a test can prove its resolver asked only the stub.
/// Not a real server: one question per query, no EDNS, no compression in the question, no wildcards.
/// </summary>
public sealed class DnsStubServer : IAsyncDisposable
{
    private readonly DnsStubAnswerer _answerer = new();
    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;

    private DnsStubServer(UdpClient udp, TcpListener tcp)
    {
        _udp = udp;
        _tcp = tcp;
        Endpoint = (IPEndPoint)udp.Client.LocalEndPoint!;
        _udpLoop = Task.Run(ServeUdpAsync);
        _tcpLoop = Task.Run(ServeTcpAsync);
    }

    /// <summary>Where clients should send queries: 127.0.0.1 and a free port, for both UDP and TCP.</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Every query received so far, in arrival order (dropped ones included).</summary>
    public IReadOnlyList<DnsStubQuery> Queries => _answerer.Queries;

    public int QueriesReceived => _answerer.Queries.Count;

    /// <summary>Binds UDP and TCP on 127.0.0.1 at one free port and starts answering.</summary>
    public static DnsStubServer Start()
    {
        // DNS clients fall back to TCP on the port they used for UDP, so both must share it;
        // the UDP port is picked by the OS and a clash on the TCP side is simply retried.
        for (var attempt = 0; ; attempt++)
        {
            var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var tcp = new TcpListener(IPAddress.Loopback, ((IPEndPoint)udp.Client.LocalEndPoint!).Port);
            try
            {
                tcp.Start();
                return new DnsStubServer(udp, tcp);
            }
            catch (SocketException) when (attempt < 20)
            {
                udp.Dispose();
            }
        }
    }

    public void AddA(string name, params IPAddress[] addresses)
    {
        foreach (var address in addresses)
        {
            if (address.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException($"{address} is not IPv4", nameof(addresses));
            _answerer.AddRecord(name, DnsRecordType.A, address.GetAddressBytes());
        }
    }

    public void AddAaaa(string name, params IPAddress[] addresses)
    {
        foreach (var address in addresses)
        {
            if (address.AddressFamily != AddressFamily.InterNetworkV6) throw new ArgumentException($"{address} is not IPv6", nameof(addresses));
            _answerer.AddRecord(name, DnsRecordType.Aaaa, address.GetAddressBytes());
        }
    }

    /// <summary>Adds one MX record (RFC 1035 section 3.3.9). <paramref name="exchange"/> "." makes a null MX (RFC 7505).</summary>
    public void AddMx(string name, ushort preference, string exchange) =>
        _answerer.AddRecord(name, DnsRecordType.Mx, [(byte)(preference >> 8), (byte)preference, .. DnsWire.EncodeName(exchange)]);

    /// <summary>The RFC 7505 "no mail accepted" record: a single MX of preference 0 pointing at the root.</summary>
    public void AddNullMx(string name) => AddMx(name, 0, ".");

    /// <summary>Adds one TXT record; text over 255 bytes is split into several character-strings.</summary>
    public void AddTxt(string name, string text) => _answerer.AddRecord(name, DnsRecordType.Txt, DnsWire.EncodeTxt(text));

    /// <summary>
    /// Adds any record from raw RDATA; the hook for types without a helper. An MX helper is one line here:
    /// <c>AddRecord(name, DnsRecordType.Mx, [(byte)(preference &gt;&gt; 8), (byte)preference, ..DnsWire.EncodeName(exchange)])</c>.
    /// </summary>
    public void AddRecord(string name, ushort type, byte[] rdata) => _answerer.AddRecord(name, type, rdata);

    /// <summary>Every query for <paramref name="name"/> (any type) gets SERVFAIL.</summary>
    public void ServFail(string name) => _answerer.ServFail(name);

    /// <summary>
    /// Every query for <paramref name="name"/> (any type) gets NXDOMAIN, even if records were added.
    /// (Names the stub knows nothing about already get NXDOMAIN; this makes the intent explicit.)
    /// </summary>
    public void NxDomain(string name) => _answerer.NxDomain(name);

    /// <summary>Every query for <paramref name="name"/> (any type) is counted but never answered.</summary>
    public void Drop(string name) => _answerer.Drop(name);

    private async Task ServeUdpAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var received = await _udp.ReceiveAsync(ct);
                if (_answerer.Answer(received.Buffer, overTcp: false) is { } response)
                    await _udp.SendAsync(response, received.RemoteEndPoint, ct);
            }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            // E.g. ICMP port unreachable from a client that already gave up: keep serving.
            catch (SocketException) { }
        }
    }

    private async Task ServeTcpAsync()
    {
        var ct = _stopping.Token;
        var connections = new List<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
                connections.Add(ServeTcpConnectionAsync(await _tcp.AcceptTcpClientAsync(ct), ct));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
        await Task.WhenAll(connections);
    }

    /// <summary>RFC 1035 section 4.2.2: each message is prefixed with a two-byte length.</summary>
    private async Task ServeTcpConnectionAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var lengthPrefix = new byte[2];
            while (true)
            {
                await stream.ReadExactlyAsync(lengthPrefix, ct);
                var query = new byte[BinaryPrimitives.ReadUInt16BigEndian(lengthPrefix)];
                await stream.ReadExactlyAsync(query, ct);
                if (_answerer.Answer(query, overTcp: true) is not { } response) continue;
                var framed = new byte[2 + response.Length];
                BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)response.Length);
                response.CopyTo(framed, 2);
                await stream.WriteAsync(framed, ct);
            }
        }
        // The client closing the connection (EndOfStream) or the stub stopping ends the conversation.
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _udp.Dispose();
        _tcp.Stop();
        await Task.WhenAll(_udpLoop, _tcpLoop);
        _stopping.Dispose();
    }
}
