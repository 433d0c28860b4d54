using MailCluster.Core.Dkim;

namespace MailCluster.Core.Tests.Dkim;

public sealed class DkimKeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dkim-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData(DkimAlgorithm.RsaSha256, "k=rsa")]
    [InlineData(DkimAlgorithm.Ed25519Sha256, "k=ed25519")]
    public void A_generated_key_loads_and_its_record_matches_it(DkimAlgorithm algorithm, string keyType)
    {
        var (pem, publicKey) = DkimKeyFile.Generate(algorithm);
        var path = Write("k.pem", pem);

        var loaded = DkimKeyFile.Load(path, algorithm);

        var record = DkimKeyFile.DnsRecord(algorithm, publicKey);
        Assert.StartsWith($"v=DKIM1; {keyType}; p=", record);
        Assert.Equal(record, DkimKeyFile.DnsRecord(algorithm, DkimKeyFile.PublicKeyOf(loaded)));
        if (algorithm == DkimAlgorithm.Ed25519Sha256) Assert.Equal(32, Convert.FromBase64String(record.Split("p=")[1]).Length);
    }

    [Fact]
    public void A_missing_file_a_non_key_and_a_key_of_the_other_type_are_refused_naming_the_file()
    {
        var missing = Path.Combine(_dir, "nope.pem");
        Assert.Contains(missing, Assert.Throws<DkimKeyException>(() => DkimKeyFile.Load(missing, DkimAlgorithm.RsaSha256)).Message);

        var junk = Write("junk.pem", "not a key\n");
        Assert.Contains(junk, Assert.Throws<DkimKeyException>(() => DkimKeyFile.Load(junk, DkimAlgorithm.RsaSha256)).Message);

        var ed = Write("ed.pem", DkimKeyFile.Generate(DkimAlgorithm.Ed25519Sha256).PrivateKeyPem);
        var wrongType = Assert.Throws<DkimKeyException>(() => DkimKeyFile.Load(ed, DkimAlgorithm.RsaSha256));
        Assert.Contains("not an rsa key", wrongType.Message);
        Assert.Contains(ed, wrongType.Message);
    }

    [Fact]
    public void An_openssl_style_RSA_PRIVATE_KEY_file_loads()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var path = Write("legacy.pem", rsa.ExportRSAPrivateKeyPem());
        Assert.True(DkimKeyFile.Load(path, DkimAlgorithm.RsaSha256).IsPrivate);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
