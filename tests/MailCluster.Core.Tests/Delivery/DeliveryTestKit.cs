using System.Text;
using MailCluster.Core.Delivery;
using MailCluster.Core.Delivery.Client;

namespace MailCluster.Core.Tests.Delivery;

internal static class DeliveryTestKit
{
    public static readonly SmtpDeliveryOptions Fast = new()
    {
        HeloName = "client.test",
        ConnectTimeout = TimeSpan.FromSeconds(5),
        CommandTimeout = TimeSpan.FromSeconds(10),
        DataTimeout = TimeSpan.FromSeconds(10),
    };

    public static byte[] Content(string text) => Encoding.UTF8.GetBytes(text);

    public static OutboundMessage Message(params string[] recipients) =>
        new("Q1", "sender@origin.test", recipients, Content("Subject: hi\r\n\r\nHello.\r\n"));

    public static OutboundMessage Message(byte[] content, params string[] recipients) =>
        new("Q1", "sender@origin.test", recipients, content);
}
