using MailCluster.Smtp.Protocol;

namespace MailCluster.Core.Policy;

/// <summary>
/// Sender-specified routing inside a local part: the percent hack (user%elsewhere@us), bang paths (elsewhere!user@us)
/// and a quoted '@' ("user@elsewhere"@us). A downstream MTA may still honour them, so an address that carries them
/// never counts as being "for" a local or relay domain (Postfix: allow_untrusted_routing = no).
/// </summary>
public static class SenderRouting
{
    public static bool IsPresent(MailPath path)
    {
        var local = path.LocalPart;
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"') local = local[1..^1].Replace("\\", "");
        return local.IndexOfAny(['%', '!', '@']) >= 0;
    }
}
