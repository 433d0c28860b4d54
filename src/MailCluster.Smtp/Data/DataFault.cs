namespace MailCluster.Smtp.Data;

/// <summary>Why a message body was refused while it was being received.</summary>
public enum DataFault
{
    None,
    /// <summary>A CR or LF that is not part of a CRLF pair: the raw material of SMTP smuggling.</summary>
    BareLineEnding,
    LineTooLong,
    TooBig,
}
