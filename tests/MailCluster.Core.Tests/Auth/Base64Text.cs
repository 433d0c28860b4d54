using System.Text;

namespace MailCluster.Core.Tests.Auth;

/// <summary>Builds client responses the way a mail client would.</summary>
internal static class Base64Text
{
    public static string Of(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
