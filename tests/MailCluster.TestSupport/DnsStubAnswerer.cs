namespace MailCluster.TestSupport;

/// <summary>
/// The stub's "zone": records keyed by name and type, plus per-name faults. Turns a query into
/// response bytes (or null: stay silent). Transport-free so UDP and TCP answer identically.
/// </summary>
internal sealed class DnsStubAnswerer
{
    private enum Fault { ServFail, Drop, NxDomain }

    private readonly object _gate = new();
    private readonly Dictionary<string, List<(ushort Type, byte[] Data)>> _recordsByName = new();
    private readonly Dictionary<string, Fault> _faults = new();
    private readonly List<DnsStubQuery> _queries = new();

    public void AddRecord(string name, ushort type, byte[] data)
    {
        lock (_gate)
        {
            var key = DnsWire.NormalizeName(name);
            if (!_recordsByName.TryGetValue(key, out var records)) _recordsByName[key] = records = new();
            records.Add((type, data));
        }
    }

    public void ServFail(string name) { lock (_gate) _faults[DnsWire.NormalizeName(name)] = Fault.ServFail; }

    public void NxDomain(string name) { lock (_gate) _faults[DnsWire.NormalizeName(name)] = Fault.NxDomain; }

    public void Drop(string name) { lock (_gate) _faults[DnsWire.NormalizeName(name)] = Fault.Drop; }

    public IReadOnlyList<DnsStubQuery> Queries { get { lock (_gate) return _queries.ToList(); } }

    /// <returns>The response, or null when the query is malformed or its name is set to be dropped.</returns>
    public byte[]? Answer(ReadOnlySpan<byte> query, bool overTcp)
    {
        if (!DnsWire.TryParseQuery(query, out var question)) return null;
        // 512 is the pre-EDNS UDP limit; the stub never sends OPT so the client must assume it.
        var maxLength = overTcp ? ushort.MaxValue : 512;
        lock (_gate)
        {
            _queries.Add(new DnsStubQuery(question.Name, question.Type, overTcp));
            if ((question.Flags & 0x7800) != 0) return DnsWire.BuildResponse(question, DnsWire.NotImp, [], maxLength);
            if (_faults.TryGetValue(question.Name, out var fault))
                return fault switch
                {
                    Fault.Drop => null,
                    Fault.NxDomain => DnsWire.BuildResponse(question, DnsWire.NxDomain, [], maxLength),
                    _ => DnsWire.BuildResponse(question, DnsWire.ServFail, [], maxLength),
                };
            // A name that exists with other types only gets NOERROR with no answers (NODATA), not NXDOMAIN.
            if (!_recordsByName.TryGetValue(question.Name, out var records))
                return DnsWire.BuildResponse(question, DnsWire.NxDomain, [], maxLength);
            var answers = records.Where(r => r.Type == question.Type).ToList();
            return DnsWire.BuildResponse(question, DnsWire.NoError, answers, maxLength);
        }
    }
}
