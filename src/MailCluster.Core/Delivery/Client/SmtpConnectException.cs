namespace MailCluster.Core.Delivery.Client;

/// <summary>The TCP connection could not be made; <see cref="Failure"/> is the deferral ("connect to host[ip]:port: Connection refused").</summary>
public sealed class SmtpConnectException(DeliveryFailure failure, Exception? inner = null) : IOException(failure.Diagnostic, inner)
{
    public DeliveryFailure Failure { get; } = failure;
}

/// <summary>The conversation broke (lost connection, timeout, garbage): every not-yet-final recipient is deferred with <see cref="Failure"/>.</summary>
internal sealed class SmtpConversationException(DeliveryFailure failure, Exception? inner = null) : IOException(failure.Diagnostic, inner)
{
    public DeliveryFailure Failure { get; } = failure;
}
