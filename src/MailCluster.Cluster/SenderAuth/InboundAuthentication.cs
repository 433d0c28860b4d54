using System.Net;
using System.Text;
using MailCluster.Core.SenderAuth;
using MimeKit;

namespace MailCluster.Cluster.SenderAuth;

/// <summary>What the checks found for one message, what the rules decided, and the message to store.</summary>
/// <param name="Message">The message as received, less any Authentication-Results that claimed our authserv-id.</param>
/// <param name="Header">Our Authentication-Results field (and the quarantine mark, if a rule set one), to go on top.</param>
public sealed record InboundAuthOutcome(ReadOnlyMemory<byte> Message, byte[] Header, SenderAuthReport Report, SenderAuthDecision Decision, int ForgedRemoved);

/// <summary>
/// The MX-side checks on mail from clients that are not ours, shared by every session of a node (thread-safe; the DNS
/// answers are cached across sessions). Runs on the session's task before the store: SPF for MAIL FROM and HELO, each
/// DKIM signature, then DMARC over both; the configured rules then decide.
/// </summary>
public sealed class InboundAuthentication
{
    private readonly SenderAuthSettings _settings;
    private readonly DkimMessageVerifier _dkim;
    private readonly SpfEvaluator _spf;
    private readonly DmarcEvaluator _dmarc;
    private readonly ArcChainVerifier _arc;

    public InboundAuthentication(SenderAuthSettings settings, ITxtResolver resolver, ARSoft.Tools.Net.Dns.IDnsResolver spfResolver)
    {
        _settings = settings;
        _dkim = new DkimMessageVerifier(resolver, settings.MaxSignatures);
        _spf = new SpfEvaluator(spfResolver, settings.AuthservId);
        _dmarc = new DmarcEvaluator(resolver, settings.PublicSuffixes);
        _arc = new ArcChainVerifier(resolver);
    }

    public static InboundAuthentication Create(SenderAuthSettings settings) =>
        new(settings, new DnsClientTxtResolver(settings.DnsServers, settings.DnsTimeout, settings.DnsAttempts),
            SpfEvaluator.CreateResolver(settings.DnsServers, settings.DnsTimeout));

    public SenderAuthSettings Settings => _settings;

    public async Task<InboundAuthOutcome> CheckAsync(IPAddress client, string heloName, string mailFrom, ReadOnlyMemory<byte> received, CancellationToken ct)
    {
        var message = ForgedResultsFilter.Strip(received, _settings.AuthservId, out var removed);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_settings.Timeout);
        SenderAuthReport report;
        try { report = await RunChecksAsync(client, heloName, mailFrom, message, deadline.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Unanswered in time is unanswered: a temperror, which never passes and never rejects.
            report = TimedOut(mailFrom, heloName);
        }
        var decision = SenderAuthRules.Decide(_settings.Restrictions, report);
        var header = AuthenticationResultsHeader.Build(_settings.AuthservId, report);
        if (decision.QuarantineRule is { } rule && report.Dmarc is { } dmarc)
            header = [.. Encoding.ASCII.GetBytes($"{SenderAuthRules.QuarantineHeader}: {rule}; dmarc=fail header.from={dmarc.FromDomain} p=quarantine\r\n"), .. header];
        return new InboundAuthOutcome(message, header, report, decision, removed);
    }

    private SenderAuthReport TimedOut(string mailFrom, string heloName)
    {
        var domain = mailFrom.Contains('@') ? mailFrom[(mailFrom.LastIndexOf('@') + 1)..] : heloName;
        const string reason = "checks timed out";
        return new SenderAuthReport([],
            _settings.VerifySpf ? new SpfVerdict(AuthResult.TempError, SpfIdentity.MailFrom, domain, reason) : null, null,
            _settings.VerifyDmarc ? new DmarcVerdict(AuthResult.TempError, null, null, DmarcPolicy.None, reason) : null);
    }

    private async Task<SenderAuthReport> RunChecksAsync(IPAddress client, string heloName, string mailFrom, ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        var spf = _settings.VerifySpf ? _spf.CheckMailFromAsync(client, heloName, mailFrom, ct) : Task.FromResult<SpfVerdict?>(null)!;
        var helo = _settings.VerifySpf ? _spf.CheckHeloAsync(client, heloName, ct) : Task.FromResult<SpfVerdict?>(null)!;
        MimeMessage? parsed = null;
        try { parsed = await MimeMessage.LoadAsync(MailCluster.Core.Messages.MessageBytes.ReadOnlyStream(message), ct); }
        catch (FormatException) { }
        IReadOnlyList<DkimVerdict> dkim = [];
        if (_settings.VerifyDkim && parsed is not null && parsed.Headers.Contains(HeaderId.DkimSignature))
            dkim = await _dkim.VerifyAsync(parsed, ct);
        var mailFromVerdict = await spf;
        var report = new SenderAuthReport(dkim, mailFromVerdict, await helo, null);
        if (_settings.VerifyArc && parsed is not null && parsed.Headers.Contains(HeaderId.ArcSeal))
            report = report with { Arc = await _arc.VerifyAsync(parsed, ct) };
        if (_settings.VerifyDmarc && parsed is not null) report = report with { Dmarc = await _dmarc.EvaluateAsync(parsed, mailFromVerdict, dkim, ct) };
        // RFC 7489 7.2.1 / RFC 8617 7.2: a forwarder we trust vouches, through its verified chain, for what it received.
        if (report is { Dmarc.Result: AuthResult.Fail, Arc: { Result: AuthResult.Pass, Sealer: { } sealer } } && _settings.TrustedArcSealers.Contains(sealer))
            report = report with { Dmarc = report.Dmarc with { Result = AuthResult.Pass, Disposition = Core.SenderAuth.DmarcPolicy.None, Reason = $"ARC chain sealed by trusted forwarder {sealer}" } };
        return report;
    }

}
