using MailCluster.Core.SenderAuth;

namespace MailCluster.Core.Tests.SenderAuth;

/// <summary>Answers from a table, as a remote DNS server would; names it has not got are NXDOMAIN.</summary>
internal sealed class TableResolver(IReadOnlyDictionary<string, string> records, params string[] failing) : ITxtResolver
{
    public List<string> Asked { get; } = [];

    public Task<TxtLookup> LookupTxtAsync(string name, CancellationToken ct)
    {
        Asked.Add(name);
        if (failing.Contains(name)) return Task.FromResult(TxtLookup.Failed("SERVFAIL"));
        return Task.FromResult(records.TryGetValue(name, out var r) ? new TxtLookup(TxtLookupStatus.Found, [r]) : TxtLookup.NotFound);
    }
}
