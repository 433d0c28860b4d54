namespace MailCluster.Smtp.Data;

/// <summary>How command-line reading ended.</summary>
public enum LineStatus { Line, TooLong, Closed }
