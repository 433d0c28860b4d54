using MailCluster.Cluster.Hosting;
using System.Diagnostics;
using System.Security.Cryptography;
using MailCluster.Cluster.Logging;
using MailCluster.Cluster.Metrics;
using System.Buffers;
using System.Net;
using Akka.Actor;
using Akka.Event;
using System.Text;
using MailCluster.Cluster.Inbound.Listener;
using MailCluster.Cluster.Policy;
using MailCluster.Core.Auth;
using MailCluster.Core.Policy;
using MailCluster.Smtp.Data;
using MailCluster.Smtp.Protocol;
using MailCluster.Core.SenderAuth;
using MailCluster.Smtp.Session;
using MailCluster.Smtp.Transport;
using static MailCluster.Cluster.Inbound.Connection.SmtpConnectionProtocol;

namespace MailCluster.Cluster.Inbound.Connection;

/// <summary>
/// One SMTP session. The actor owns the session state and decides; <see cref="SmtpWire"/> does the I/O. Every step
/// is: enqueue the reply (after the tarpit delay, if any), start exactly one I/O operation, and handle its
/// completion as a message. Pipelined commands are therefore answered strictly in order.
/// </summary>
public sealed partial class SmtpConnectionActor : ReceiveActor
{
    private readonly SmtpWire _wire;
    private readonly IPEndPoint _remote;
    private readonly ListenerSettings _listener;
    private readonly InboundServices _services;
    private readonly SessionLimits _limits;
    private readonly ListenerLoad? _load;
    private readonly MailLog _mailLog = MailLog.For(Context);
    /// <summary>Names the session in the mail log before a queue id exists; "accepted" carries both to join them.</summary>
    private readonly string _sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    /// <summary>The current mail transaction's span (MAIL FROM to the end of DATA): the root of the message's trace.</summary>
    private System.Diagnostics.Activity? _transactionSpan;
    private string? _endReason;
    private SmtpSession _session = SmtpSession.New;
    private ArrayBufferWriter<byte>? _body;
    private DotStuffedBodyReader? _dataReader;
    private ChunkBodyReader? _chunkReader;
    /// <summary>The current message's transfer, held to the minimum data rate across all its BDAT chunks.</summary>
    private DataRateGuard? _dataRate;
    private ISaslMechanism? _sasl;
    private bool _draining;
    private bool _awaitingCommand;

    public static Props Props(SmtpWire wire, IPEndPoint remote, ListenerSettings listener, InboundServices services,
        ListenerLoad? load = null) =>
        Akka.Actor.Props.Create(() => new SmtpConnectionActor(wire, remote, listener, services, load));

    public SmtpConnectionActor(SmtpWire wire, IPEndPoint remote, ListenerSettings listener, InboundServices services,
        ListenerLoad? load = null)
    {
        _wire = wire;
        _load = load;
        _remote = remote;
        _listener = listener;
        _services = services;
        _limits = listener.Limits with { TlsAvailable = listener.StartTls && services.Certificate is not null };

        Receive<CommandLine>(OnCommandLine);
        Receive<DataReceived>(OnDataReceived);
        Receive<ChunkReceived>(OnChunkReceived);
        Receive<MessageStored>(OnStored);
        Receive<MessageNotStored>(OnNotStored);
        Receive<MessageRefused>(OnRefused);
        Receive<SenderChecked>(c =>
        {
            LogVerdict("mail", c.Mail.ReversePath, null, c.Verdict);
            Apply(SessionStateTable.SenderVerdict(_session, c.Mail, Refusal(c.Verdict)));
        });
        Receive<RecipientChecked>(c =>
        {
            LogVerdict("rcpt", _session.Transaction?.Sender, c.Recipient, c.Verdict);
            Apply(SessionStateTable.RecipientVerdict(_session, c.Recipient, Refusal(c.Verdict)));
        });
        Receive<SaslLine>(OnSaslLine);
        Receive<AuthenticationChecked>(OnAuthenticationChecked);
        Receive<TlsStarted>(t => { if (t.Succeeded) Continue(null, ReadCommand); else Stop("TLS handshake failed"); });
        Receive<ImplicitTlsStarted>(t =>
        {
            if (!t.Succeeded) { Stop("TLS handshake failed"); return; }
            _session = _session with { Tls = true };
            Continue(Replies.Greeting(_limits.HostName), ReadCommand);
        });
        Receive<ConnectionClosed>(_ => Context.Stop(Self));
        Receive<SmtpListenerProtocol.ShuttingDown>(_ =>
        {
            _draining = true;
            // Idle between commands: say goodbye now. Mid-transaction I/O (DATA, storing) finishes first.
            if (!_awaitingCommand) return;
            _endReason = "node shutting down";
            Continue(Replies.ShuttingDown(_limits.HostName), CloseConnection);
        });
        Receive<IoFailed>(f => Stop($"I/O failed: {f.Cause.Message}"));
    }

    protected override void PreStart()
    {
        _mailLog.Info(MailEvents.Connect, ("session_id", _sessionId), ("client_ip", _remote.Address), ("listener", _listener.Name));
        MailClusterMetrics.SessionOpened();
        if (_services.PendingWrites.Saturated)
        {
            // The store is behind: a new client would only add bodies to wait for. Tell it to come back (RFC 5321 3.8).
            MailClusterMetrics.StorageBusy("connect");
            _endReason = "storage busy";
            Continue(Replies.ServiceBusy(_limits.HostName), CloseConnection);
            return;
        }
        if (_listener.ImplicitTls)
        {
            if (_services.Certificate?.Current is not { } certificate) { Stop("implicit TLS without a certificate"); return; }
            Continue(null, async () => new ImplicitTlsStarted(await _wire.StartTlsAsync(certificate, _listener.Timeouts.TlsHandshake)));
            return;
        }
        Continue(Replies.Greeting(_limits.HostName), ReadCommand);
    }

    protected override void PostStop()
    {
        MailClusterMetrics.SessionClosed();
        _transactionSpan?.Dispose();
        _mailLog.Info(MailEvents.Disconnect, ("session_id", _sessionId), ("client_ip", _remote.Address), ("reason", _endReason ?? "closed"));
        _ = _wire.DisposeAsync().AsTask();
    }

    private void OnCommandLine(CommandLine line)
    {
        if (!Completed(line.Outcome)) return;
        if (_draining)
        {
            Continue(Replies.ShuttingDown(_limits.HostName), CloseConnection);
            return;
        }
        if (line.TooLong) { Refuse(Replies.LineTooLong); return; }
        if (line.BareLf) { Refuse(Replies.SyntaxError("Command lines must end with <CR><LF>")); return; }
        var command = SmtpCommandParser.Parse(line.Bytes);
        Apply(SessionStateTable.Handle(_session, command, _limits));
    }

    private void Apply(SessionStep step)
    {
        if (step.Session.HeloName is { } helo && helo != _session.HeloName)
            _mailLog.Info(MailEvents.Helo, ("session_id", _sessionId), ("client_ip", _remote.Address), ("helo", helo));
        _session = step.Session;
        switch (step.Action)
        {
            case CloseAction:
                Continue(step.Reply, CloseConnection);
                break;
            case StartTlsAction:
                var certificate = _services.Certificate!.Current;
                Continue(step.Reply, async () => new TlsStarted(await _wire.StartTlsAsync(certificate, _listener.Timeouts.TlsHandshake)));
                break;
            case AuthorizeSenderAction mailFrom:
                StartTransactionSpan();
                AskPolicy(new RelayPolicyProtocol.CheckSender(_listener.Name, Request(mailFrom.Mail.ReversePath, null)),
                    verdict => new SenderChecked(mailFrom.Mail, verdict));
                break;
            case AuthorizeRecipientAction authorize:
                var reversePath = _session.Transaction!.Sender;
                AskPolicy(new RelayPolicyProtocol.CheckRecipient(_listener.Name, Request(reversePath, authorize.Recipient)),
                    verdict => new RecipientChecked(authorize.Recipient, verdict));
                break;
            case AuthenticateAction auth:
                _sasl = SaslMechanisms.Create(auth.Mechanism)!;
                ContinueSasl(_sasl.Start(auth.InitialResponse));
                break;
            case ReceiveDataAction when _services.PendingWrites.Saturated:
                RefuseBusyStore();
                break;
            case ReceiveDataAction:
                _body = new ArrayBufferWriter<byte>(16 * 1024);
                _dataReader = new DotStuffedBodyReader(_body, _limits.MaxMessageSize);
                var (dataReader, dataRate) = (_dataReader, _dataRate = NewDataRateGuard());
                Continue(step.Reply, async () => new DataReceived(await _wire.ReadDataAsync(dataReader, _listener.Timeouts.Data, dataRate)));
                break;
            case ReceiveChunkAction chunk:
                ReceiveChunk(chunk);
                break;
            default:
                Continue(step.Reply, ReadCommand);
                break;
        }
    }

    private PolicyRequest Request(MailPath sender, MailPath? recipient) =>
        new(_remote.Address, _session.HeloName ?? "", sender, recipient, _session.AuthenticatedUser);

    /// <summary>The relay-policy actor decides (and logs); if it cannot answer in time the client is told to retry.</summary>
    private void AskPolicy(object question, Func<PolicyVerdict, object> toMessage)
    {
        var (policy, timeout) = (_services.RelayPolicy, _services.PolicyTimeout);
        var span = Tracing.MailTracing.StartDetached("mailcluster.policy", System.Diagnostics.ActivityKind.Internal, _transactionSpan?.Context ?? default);
        span?.SetTag("mailcluster.stage", question is RelayPolicyProtocol.CheckSender ? "mail" : "rcpt");
        Continue(null, async () =>
        {
            using var _ = span;
            PolicyVerdict verdict;
            try { verdict = await policy.Ask<PolicyVerdict>(question, timeout); }
            catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
            {
                verdict = new Defer(Replies.PolicyUnavailable, "policy-unavailable");
            }
            span?.SetTag("mailcluster.verdict", verdict.GetType().Name.ToLowerInvariant());
            return toMessage(verdict);
        });
    }

    /// <summary>A new trace for each MAIL FROM; one left open by a refused or reset transaction ends here.</summary>
    private void StartTransactionSpan()
    {
        _transactionSpan?.Dispose();
        _transactionSpan = Tracing.MailTracing.StartDetached("mailcluster.smtp.transaction", System.Diagnostics.ActivityKind.Server);
        _transactionSpan?.SetTag("client.address", _remote.Address.ToString());
        _transactionSpan?.SetTag("mailcluster.helo", _session.HeloName);
        _transactionSpan?.SetTag("mailcluster.listener", _listener.Name);
        _transactionSpan?.SetTag("mailcluster.session_id", _sessionId);
    }

    private static SmtpReply? Refusal(PolicyVerdict verdict)
    {
        if (verdict is not Permit) MailClusterMetrics.CommandRefused(verdict);
        return verdict switch
        {
            Reject r => r.Reply,
            Defer d => d.Reply,
            _ => null,
        };
    }

    /// <summary>The login only: the password and the client's base64 lines are never logged.</summary>
    private void LogAuth(string login, string result) =>
        _mailLog.Info(MailEvents.Auth, ("session_id", _sessionId), ("client_ip", _remote.Address), ("login", login), ("result", result));

    private void LogVerdict(string stage, MailPath? sender, MailPath? recipient, PolicyVerdict verdict)
    {
        var (kind, reply) = verdict switch
        {
            Reject r => ("reject", r.Reply.ToString()),
            Defer d => ("defer", d.Reply.ToString()),
            _ => ("permit", null),
        };
        _mailLog.Info(MailEvents.Policy, ("session_id", _sessionId), ("client_ip", _remote.Address), ("stage", stage),
            ("from", sender?.Address), ("to", recipient?.Address), ("sasl_user", _session.AuthenticatedUser), ("verdict", kind),
            ("rule", verdict.Rule), ("reply", reply));
    }

    private void ContinueSasl(SaslStep step)
    {
        switch (step)
        {
            case Challenge challenge:
                Continue(new SmtpReply(334, null, challenge.Base64Text), async () =>
                    new SaslLine(await ReadLineAsync()));
                break;
            case Credentials credentials:
                var (policy, timeout, clientIp, sessionId) = (_services.RelayPolicy, _services.PolicyTimeout, _remote.Address, _sessionId);
                Continue(null, async () =>
                {
                    try
                    {
                        var result = await policy.Ask<RelayPolicyProtocol.AuthenticationResult>(
                            new RelayPolicyProtocol.Authenticate(credentials.Login, credentials.Password, clientIp, sessionId), timeout);
                        return new AuthenticationChecked(credentials.Login, result.Outcome);
                    }
                    catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
                    {
                        return new AuthenticationChecked(credentials.Login, RelayPolicyProtocol.AuthOutcome.Unavailable);
                    }
                });
                break;
            case SaslCancelled:
                _sasl = null;
                Refuse(Replies.AuthCancelled);
                break;
            default:
                _sasl = null;
                Refuse(Replies.AuthMalformed);
                break;
        }
    }

    private void OnSaslLine(SaslLine line)
    {
        if (!Completed(line.Line.Outcome)) return;
        if (line.Line.TooLong || _sasl is null) { _sasl = null; Refuse(Replies.AuthMalformed); return; }
        ContinueSasl(_sasl.Continue(Encoding.ASCII.GetString(line.Line.Bytes)));
    }

    private void OnAuthenticationChecked(AuthenticationChecked checkedAuth)
    {
        _sasl = null;
        if (checkedAuth.Outcome == RelayPolicyProtocol.AuthOutcome.Succeeded)
        {
            LogAuth(checkedAuth.Login, "ok");
            Apply(SessionStateTable.Authenticated(_session, checkedAuth.Login));
            return;
        }
        var refusal = AuthOutcomeReply.For(checkedAuth.Outcome);
        LogAuth(checkedAuth.Login, refusal.LogResult);
        if (refusal.CountsAsError) Refuse(refusal.Reply);
        else Continue(refusal.Reply, ReadCommand);
    }

    private void Store()
    {
        if (_wire.ClientHasHungUp())
        {
            // The client cannot read a 250 any more and counts the transaction as failed (RFC 5321 3.8: as a 451), so it
            // will send the message again: accepting it now would deliver it twice.
            _mailLog.Warning(MailEvents.NotAccepted, ("session_id", _sessionId), ("client_ip", _remote.Address),
                ("reason", "client closed the connection before the end-of-data reply"));
            EndTransaction();
            Stop("client hung up before the end-of-data reply");
            return;
        }
        var (session, body, client, hostName, tls) = (_session, _body!, _remote.Address, _limits.HostName, _wire.Tls);
        var (signing, senderAuth) = (_services.Signing, _services.SenderAuth);
        var transaction = _transactionSpan;
        _transactionSpan = null; // ended by the store below, whatever its outcome
        var ours = _services.Trust?.IsOurs(client, session.AuthenticatedUser) ?? false;
        EndTransaction();
        var acceptance = _services.Acceptance;
        var timeout = _services.StoreTimeout;
        var started = Stopwatch.GetTimestamp();
        var pending = _services.PendingWrites.Begin();
        MailClusterMetrics.PendingWriteStarted();
        Continue(null, async () =>
        {
            // Counted until the store answers or the wait times out: a timed-out write may still land later (the
            // client retries, a duplicate at worst), but the session no longer holds its body.
            using var _ = pending;
            // Signed or checked here, off the actor: a signature is CPU and a check waits for DNS, and the session's
            // actor need not wait for either. Ours is signed; anyone else's is checked, never both.
            var content = body.WrittenMemory;
            var dkim = ours && signing is { Enabled: true } ? signing.Sign(content) : null;
            var auth = !ours && senderAuth is not null
                ? await senderAuth.CheckAsync(client, session.HeloName ?? "", session.Transaction!.Sender.Address, content, CancellationToken.None)
                : null;
            if (auth?.Decision.Refusal is { } refusal)
            {
                // Refused by a sender-auth rule: nothing is stored, and the reply names no rule (the log does).
                MailClusterMetrics.PendingWriteEnded();
                return new MessageRefused(refusal, auth.Report.Summary());
            }
            var top = dkim?.Headers ?? auth?.Header ?? [];
            var message = AcceptedMessage.Create(session, client, hostName, (auth?.Message ?? content).Span, top, tls);
            // Cancelling tells the acceptance the client is getting 451, so whatever gets stored later is retired.
            // A tenth before the session's own deadline, so a message stored in time is answered 250 even if its
            // queue notices are slow (the acceptance stops waiting for them when this fires).
            using var giveUp = new CancellationTokenSource(timeout * 0.9);
            using var span = transaction;
            transaction?.SetTag("mailcluster.queue_id", message.QueueId);
            // Current inside this task only (an async lambda does not hand it back): the acceptance passes it on to the queues.
            using var accept = System.Diagnostics.Activity.Current = Tracing.MailTracing.Source.StartActivity("mailcluster.accept",
                System.Diagnostics.ActivityKind.Internal, transaction?.Context ?? default);
            accept?.SetTag("mailcluster.queue_id", message.QueueId);
            try
            {
                await acceptance.AcceptAsync(message, giveUp.Token).WaitAsync(timeout);
                MailClusterMetrics.MessageAccepted(Stopwatch.GetElapsedTime(started));
                return new MessageStored(message.QueueId, message.Content.Length, message.Sender, message.Recipients.Count, dkim, auth);
            }
            catch (Exception ex)
            {
                return new MessageNotStored(message.QueueId, ex.Message, MailCluster.Core.Spool.StorageFaults.IsOutOfSpace(ex));
            }
            finally
            {
                MailClusterMetrics.PendingWriteEnded();
            }
        });
    }

    /// <summary>451 to DATA before any body is read: the message stays with the client, which retries later.</summary>
    private void RefuseBusyStore()
    {
        MailClusterMetrics.StorageBusy("data");
        _mailLog.Warning(MailEvents.NotAccepted, ("session_id", _sessionId), ("client_ip", _remote.Address),
            ("reason", $"storage busy: {_services.PendingWrites.Count} writes in progress"));
        EndTransaction();
        Continue(Replies.StorageBusy, ReadCommand);
    }

    private void OnStored(MessageStored stored)
    {
        _mailLog.Info(MailEvents.Accepted, ("queue_id", stored.QueueId), ("session_id", _sessionId), ("client_ip", _remote.Address),
            ("helo", _session.HeloName), ("from", stored.Sender), ("size", stored.Size), ("nrcpt", stored.Recipients));
        if (stored.Dkim is { } dkim) LogSigning(stored.QueueId, dkim);
        if (stored.SenderAuth is { } auth) LogChecks(stored.QueueId, auth);
        Continue(Replies.Queued(stored.QueueId), FaultPoints.IsArmed ? ReadCommandAfterReplyFault : ReadCommand);
    }

    private void LogSigning(string queueId, Core.Dkim.DkimSigningOutcome dkim)
    {
        MailClusterMetrics.DkimSigned(dkim.Rule);
        if (dkim.IsSigned)
            _mailLog.Info(MailEvents.DkimSign, ("queue_id", queueId), ("session_id", _sessionId), ("result", dkim.Rule),
                ("d", dkim.Domain), ("s", string.Join(',', dkim.Selectors)));
        else if (dkim.Rule == Core.Dkim.DkimSigningOutcome.Failed)
            _mailLog.Warning(MailEvents.DkimSign, ("queue_id", queueId), ("session_id", _sessionId), ("result", dkim.Rule),
                ("reason", dkim.Reason));
    }

    private void LogChecks(string queueId, SenderAuth.InboundAuthOutcome auth)
    {
        CountChecks(auth.Report);
        _mailLog.Info(MailEvents.SenderAuth, ("queue_id", queueId), ("session_id", _sessionId), ("results", auth.Report.Summary()),
            ("quarantine", auth.Decision.QuarantineRule), ("forged_results_removed", auth.ForgedRemoved));
    }

    private static void CountChecks(SenderAuthReport report)
    {
        foreach (var verdict in report.Dkim) MailClusterMetrics.SenderAuthResult("dkim", verdict.Result.Name());
        if (report.MailFrom is { } spf) MailClusterMetrics.SenderAuthResult("spf", spf.Result.Name());
        if (report.Dmarc is { } dmarc) MailClusterMetrics.SenderAuthResult("dmarc", dmarc.Result.Name());
    }

    /// <summary>A sender-auth rule refused the message after DATA: the client hears 5xx/4xx, the log hears why.</summary>
    private void OnRefused(MessageRefused refused)
    {
        MailClusterMetrics.CommandRefused(refused.Verdict);
        _mailLog.Info(MailEvents.Policy, ("session_id", _sessionId), ("client_ip", _remote.Address), ("stage", "data"),
            ("verdict", refused.Verdict is Reject ? "reject" : "defer"), ("rule", refused.Verdict.Rule), ("results", refused.Results),
            ("reply", refused.Reply.ToString().TrimEnd()));
        Continue(refused.Reply, ReadCommand);
    }

    /// <summary>For the crash tests: the 250 goes out on the socket, then the fault point may kill the node.</summary>
    private async Task<object> ReadCommandAfterReplyFault()
    {
        await _wire.FlushAsync();
        FaultPoints.Hit(FaultPoints.AfterReply);
        return await ReadCommand();
    }

    private void OnNotStored(MessageNotStored failed)
    {
        // Never 250 for something not stored: the client keeps the message and retries.
        _mailLog.Error(MailEvents.NotAccepted, ("queue_id", failed.QueueId), ("session_id", _sessionId), ("client_ip", _remote.Address),
            ("reason", $"storage unavailable: {failed.Reason}"));
        Continue(failed.OutOfSpace ? Replies.InsufficientStorage : Replies.StorageUnavailable, ReadCommand);
    }

    private void EndTransaction()
    {
        _session = SessionStateTable.EndTransaction(_session);
        ClearBody();
    }

    private void ClearBody()
    {
        _body = null;
        _dataReader = null;
        _chunkReader = null;
        _dataRate = null;
    }

    private void Refuse(SmtpReply reply)
    {
        _session = SessionStateTable.WithError(_session);
        Continue(reply, ReadCommand);
    }

    /// <returns>false (and the session ends) when the read timed out, failed or the client went away.</returns>
    private bool Completed(ReadOutcome outcome)
    {
        switch (outcome)
        {
            case ReadOutcome.Completed:
                return true;
            case ReadOutcome.TimedOut or ReadOutcome.LineDeadlineExceeded or ReadOutcome.DataRateTooLow:
                _endReason = outcome switch
                {
                    ReadOutcome.LineDeadlineExceeded => $"command line not complete within {_listener.Timeouts.CommandLineDeadline}",
                    ReadOutcome.DataRateTooLow => $"data rate below {_listener.MinDataRate.OctetsPerSecond} octets/s",
                    _ => $"timeout after {(_session.Transaction is null ? "command" : "DATA")}",
                };
                Continue(Replies.Timeout(_limits.HostName), CloseConnection);
                return false;
            default:
                Stop("lost connection");
                return false;
        }
    }

    /// <summary>Enqueues the reply (tarpitted if the session has been erring) and starts the next I/O operation.</summary>
    private void Continue(SmtpReply? reply, Func<Task<object>> next)
    {
        _awaitingCommand = next == ReadCommand;
        var delay = TimeSpan.Zero;
        SmtpReply? farewell = null;
        if (reply is not null && ErrorTarpit.IsClientError(reply))
        {
            if (ErrorTarpit.MustDisconnect(_session, _limits) && next != CloseConnection)
            {
                farewell = Replies.TooManyErrors;
                next = CloseConnection;
                _endReason = "too many errors";
            }
            else delay = ErrorTarpit.DelayBeforeReply(_session, _limits);
        }
        var wire = _wire;
        Run(async () =>
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay);
            if (reply is not null) wire.Enqueue(reply);
            if (farewell is not null) wire.Enqueue(farewell);
            return await next();
        });
    }

    private void Run(Func<Task<object>> io) => io().PipeTo(Self, failure: ex => new IoFailed(ex));

    private async Task<object> ReadCommand() => await ReadLineAsync();

    /// <summary>The idle timeout is chosen as the wait starts, so a session sees the listener's stress when it matters.</summary>
    private Task<CommandLine> ReadLineAsync() =>
        _wire.ReadCommandAsync(_listener.Timeouts.CommandTimeout(_load?.UnderStress == true), _listener.Timeouts.CommandLineDeadline);

    /// <summary>A new transfer's rate guard, or none when min-data-rate is 0.</summary>
    private DataRateGuard? NewDataRateGuard() =>
        _listener.MinDataRate.Enabled ? new DataRateGuard(_listener.MinDataRate, MonotonicClock.Now) : null;

    private async Task<object> CloseConnection()
    {
        await _wire.CloseAsync();
        return new ConnectionClosed();
    }

    private void Stop(string why)
    {
        _endReason ??= why;
        Context.Stop(Self);
    }
}
