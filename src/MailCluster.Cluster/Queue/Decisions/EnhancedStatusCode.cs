using System.Globalization;

namespace MailCluster.Cluster.Queue.Decisions;

/// <summary>
/// An RFC 3463 enhanced status code, class.subject.detail (2 success, 4 persistent transient, 5 permanent failure).
/// Typed so a recipient's failure carries a code that was checked once, not a string compared in several places.
/// </summary>
public readonly record struct EnhancedStatusCode(int Class, int Subject, int Detail)
{
    /// <summary>4.4.7: the message stayed queued longer than the lifetime allows.</summary>
    public static readonly EnhancedStatusCode DeliveryTimeExpired = new(4, 4, 7);
    /// <summary>4.0.0: the status of a recipient still being retried, for a delay warning.</summary>
    public static readonly EnhancedStatusCode StillTrying = new(4, 0, 0);

    public bool IsPermanent => Class == 5;
    public bool IsTransient => Class == 4;

    public static bool TryParse(string? text, out EnhancedStatusCode code)
    {
        code = default;
        var parts = (text ?? "").Trim().Split('.');
        if (parts.Length != 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c is not (2 or 4 or 5)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s > 999 || parts[1].Length > 3) return false;
        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d > 999 || parts[2].Length > 3) return false;
        code = new EnhancedStatusCode(c, s, d);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Class}.{Subject}.{Detail}");
}
