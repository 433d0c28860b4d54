using MimeKit;

namespace MailCluster.Core.SenderAuth;

/// <summary>
/// DMARC (RFC 7489): does an SPF or DKIM pass align with the From: domain (relaxed: same organizational domain;
/// strict: the same name), and what does the domain ask for when it does not. The record is looked up at the author
/// domain, then at its organizational domain (whose sp= then applies); a lookup failure is a temperror, never a fail.
/// </summary>
public sealed class DmarcEvaluator(ITxtResolver resolver, PublicSuffixList suffixes, Func<int>? percentile = null)
{
    // pct= sampling: a message is subject to the policy when this (0-99) falls below pct.
    private readonly Func<int> _percentile = percentile ?? (() => Random.Shared.Next(100));

    public async Task<DmarcVerdict> EvaluateAsync(MimeMessage message, SpfVerdict? spf, IReadOnlyList<DkimVerdict> dkim, CancellationToken ct)
    {
        var from = Messages.AuthorDomain.Of(message);
        if (from is null) return new DmarcVerdict(AuthResult.PermError, null, null, DmarcPolicy.None, "no single From: domain");

        var organizational = suffixes.OrganizationalDomain(from);
        var (record, atOrganizational, failure) = await FindRecordAsync(from, organizational, ct);
        if (failure is not null) return new DmarcVerdict(AuthResult.TempError, from, null, DmarcPolicy.None, failure);
        if (record is null) return new DmarcVerdict(AuthResult.None, from, null, DmarcPolicy.None, "no DMARC record");

        var requested = atOrganizational && from != organizational ? record.SubdomainPolicy ?? record.Policy : record.Policy;
        var dkimAligned = dkim.FirstOrDefault(v => v.Result == AuthResult.Pass && v.Domain is { } d && Aligned(d, from, record.StrictDkim));
        if (dkimAligned is not null)
            return new DmarcVerdict(AuthResult.Pass, from, requested, DmarcPolicy.None, $"DKIM d={dkimAligned.Domain} aligned");
        if (spf is { Result: AuthResult.Pass } && Aligned(spf.Domain, from, record.StrictSpf))
            return new DmarcVerdict(AuthResult.Pass, from, requested, DmarcPolicy.None, $"SPF {spf.Domain} aligned");

        // RFC 7489 6.6.4: a message left out of the pct= sample gets the next policy down.
        var disposition = _percentile() < record.Percent ? requested : requested switch
        {
            DmarcPolicy.Reject => DmarcPolicy.Quarantine,
            _ => DmarcPolicy.None,
        };
        return new DmarcVerdict(AuthResult.Fail, from, requested, disposition,
            $"no aligned SPF or DKIM pass{(record.Percent < 100 ? $", pct={record.Percent}" : "")}");
    }

    private async Task<(DmarcRecord? Record, bool AtOrganizational, string? Failure)> FindRecordAsync(string from, string organizational, CancellationToken ct)
    {
        foreach (var (domain, isOrganizational) in from == organizational ? [(from, true)] : new[] { (from, false), (organizational, true) })
        {
            var lookup = await resolver.LookupTxtAsync($"_dmarc.{domain}", ct);
            if (lookup.Status == TxtLookupStatus.TempError) return (null, false, $"DMARC lookup for {domain} failed: {lookup.Error}");
            // RFC 7489 6.6.3: several valid records are as good as none.
            var records = lookup.Records.Select(DmarcRecord.Parse).OfType<DmarcRecord>().ToList();
            if (records.Count == 1) return (records[0], isOrganizational, null);
        }
        return (null, false, null);
    }

    private bool Aligned(string identifier, string from, bool strict)
    {
        var id = identifier.TrimEnd('.').ToLowerInvariant();
        return strict ? id == from : suffixes.OrganizationalDomain(id) == suffixes.OrganizationalDomain(from);
    }
}
