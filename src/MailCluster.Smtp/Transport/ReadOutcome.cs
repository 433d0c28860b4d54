namespace MailCluster.Smtp.Transport;

/// <summary>How a read on the wire ended when it did not deliver what was asked for.</summary>
public enum ReadOutcome
{
    Completed,
    PeerClosed,
    /// <summary>Nothing arrived for the idle timeout.</summary>
    TimedOut,
    /// <summary>A command line was started but not finished within the command-line deadline.</summary>
    LineDeadlineExceeded,
    /// <summary>DATA or BDAT octets arrived more slowly than the minimum data rate.</summary>
    DataRateTooLow,
    Failed,
}

/// <summary>One command line read from the client (copied out of the pipe buffer).</summary>
public sealed record CommandLine(ReadOutcome Outcome, byte[] Bytes, bool TooLong, bool BareLf);
