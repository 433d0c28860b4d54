namespace MailCluster.Cli;

/// <summary>Exit statuses, sysexits-style where one applies.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>policy test: at least one MAIL/RCPT was rejected or deferred. Admin commands: not found, nothing matched,
    /// or the node refused (e.g. 401 without the right token).</summary>
    public const int Refused = 1;
    public const int Usage = 2;
    /// <summary>EX_CONFIG, the same code the node exits with on a bad configuration.</summary>
    public const int Config = 78;
    /// <summary>EX_UNAVAILABLE: the node's admin API could not be reached.</summary>
    public const int Unavailable = 69;
}
