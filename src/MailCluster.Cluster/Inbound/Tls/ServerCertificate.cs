using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace MailCluster.Cluster.Inbound.Tls;

/// <summary>
/// The certificate new TLS sessions get. When it comes from smtp.tls.certificate-path, a renewed file (an ACME client
/// replacing it) is picked up without a restart: on SIGHUP, and when the file changes (a watch on its folder, so an
/// atomic rename counts too). A file that cannot be read keeps the current certificate and says why; sessions already
/// in TLS keep theirs.
/// </summary>
public sealed class ServerCertificate : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    private readonly string? _path;
    private readonly string _password;
    private readonly ILogger? _log;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _debounce;
    private volatile X509Certificate2 _current;

    public X509Certificate2 Current => _current;

    /// <summary>A certificate that never changes (the generated development one).</summary>
    public ServerCertificate(X509Certificate2 fixedCertificate)
    {
        _current = fixedCertificate;
        _password = "";
    }

    /// <summary>The PKCS#12 file at <paramref name="path"/>, watched for renewals.</summary>
    public ServerCertificate(string path, string password, ILogger log)
    {
        (_path, _password, _log) = (Path.GetFullPath(path), password, log);
        _current = Load(_path, password);
        _debounce = new Timer(_ => Reload("the file changed"));
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        // Several events come for one write or rename: reload once, after they settle.
        FileSystemEventHandler changed = (_, _) => _debounce.Change(Settle, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(Settle, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Reads the file again (SIGHUP or the watch). True when a different certificate is now in use.</summary>
    public bool Reload(string why)
    {
        if (_path is null) return false;
        try
        {
            var loaded = Load(_path, _password);
            if (loaded.Thumbprint == _current.Thumbprint) return false;
            _current = loaded;
            _log?.LogInformation("TLS certificate reloaded ({why}): {subject}, valid until {until:u}, SHA-1 {thumbprint}",
                why, loaded.Subject, loaded.NotAfter.ToUniversalTime(), loaded.Thumbprint);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            _log?.LogWarning("TLS certificate NOT reloaded ({why}): {path}: {reason}; the current one stays", why, _path, ex.Message);
            return false;
        }
    }

    private static X509Certificate2 Load(string path, string password) => X509CertificateLoader.LoadPkcs12FromFile(path, password);

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }
}
