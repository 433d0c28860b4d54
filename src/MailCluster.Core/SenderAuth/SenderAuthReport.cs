namespace MailCluster.Core.SenderAuth;

/// <summary>Everything the MX-side checks found for one message: what goes into Authentication-Results and what rules act on.</summary>
public sealed record SenderAuthReport(IReadOnlyList<DkimVerdict> Dkim, SpfVerdict? MailFrom, SpfVerdict? Helo, DmarcVerdict? Dmarc, ArcVerdict? Arc = null)
{
    public static SenderAuthReport Empty { get; } = new([], null, null, null);

    /// <summary>One line for the mail log: each method's result with what it was about.</summary>
    public string Summary() => string.Join(' ', new[]
    {
        $"dkim={(Dkim.Count == 0 ? "none" : string.Join(',', Dkim.Select(v => $"{v.Result.Name()}:{v.Domain}/{v.Selector}")))}",
        MailFrom is { } m ? $"spf={m.Result.Name()}:{m.Domain}" : null,
        Helo is { } h ? $"spf_helo={h.Result.Name()}:{h.Domain}" : null,
        Arc is { } a ? $"arc={a.Result.Name()}" + (a.Sealer is null ? "" : $":{a.Sealer}") : null,
        Dmarc is { } d ? $"dmarc={d.Result.Name()}:{d.FromDomain}" + (d.Result == AuthResult.Fail ? $"/p={d.Requested?.ToString().ToLowerInvariant()}/dis={d.Disposition.ToString().ToLowerInvariant()}" : "") : null,
    }.Where(p => p is not null));
}
