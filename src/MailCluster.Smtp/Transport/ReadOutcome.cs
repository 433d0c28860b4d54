namespace MailCluster.Smtp.Transport;

/// <summary>How a read on the wire ended when it did not deliver what was asked for.</summary>
public enum ReadOutcome { Completed, PeerClosed, TimedOut, Failed }

/// <summary>One command line read from the client (copied out of the pipe buffer).</summary>
public sealed record CommandLine(ReadOutcome Outcome, byte[] Bytes, bool TooLong, bool BareLf);
