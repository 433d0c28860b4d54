namespace MailCluster.Cli;

/// <summary>Exit statuses, sysexits-style where one applies.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>policy test: at least one MAIL/RCPT was rejected or deferred.</summary>
    public const int Refused = 1;
    public const int Usage = 2;
    /// <summary>EX_CONFIG, the same code the node exits with on a bad configuration.</summary>
    public const int Config = 78;
}
