using System.Diagnostics;
using System.Net;
using MimeKit;
using MimeKit.Cryptography;

namespace MailCluster.TestSupport.Dkim;

/// <summary>Verifies the DKIM signatures of delivered bytes with two implementations: MimeKit's and Debian's python3-dkim.</summary>
public static class DkimCheck
{
    /// <summary>MimeKit's verdict for every DKIM-Signature field, top first: (d=, s=, valid).</summary>
    public static IReadOnlyList<(string Domain, string Selector, bool Valid)> MimeKit(byte[] message, IReadOnlyDictionary<string, string> records)
    {
        var parsed = MimeMessage.Load(new MemoryStream(message));
        var verifier = new DkimVerifier(new RecordKeyLocator(records)) { MinimumRsaKeyLength = 1024 };
        verifier.Enable(DkimSignatureAlgorithm.Ed25519Sha256);
        var results = new List<(string, string, bool)>();
        foreach (var header in parsed.Headers.Where(h => h.Id == HeaderId.DkimSignature))
        {
            var tags = header.Value.Split(';').Select(t => t.Trim().Split('=', 2)).Where(t => t.Length == 2)
                .ToDictionary(t => t[0].Trim(), t => t[1].Trim());
            results.Add((tags["d"], tags["s"], verifier.Verify(parsed, header)));
        }
        return results;
    }

    /// <summary>The python3-dkim interpreter, or why it cannot be used.</summary>
    public static string PythonWithDkim
    {
        get
        {
            const string python = "/usr/bin/python3";
            if (!File.Exists(python) || Run(python, ["-c", "import dkim, dns.resolver"], null).ExitCode != 0)
                throw new InvalidOperationException("python3-dkim is not installed: apt-get install -y python3-dkim python3-dnspython (.ci/run does)");
            return python;
        }
    }

    /// <summary>
    /// Verifies every signature with dkimpy, its key lookups sent (over dnspython) to <paramref name="dns"/> only.
    /// Returns one line per signature: "d=... s=... pass|fail".
    /// </summary>
    public static IReadOnlyList<string> Python(byte[] message, IPEndPoint dns)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dkim-{Guid.NewGuid():N}.eml");
        File.WriteAllBytes(file, message);
        try
        {
            var (code, stdout, stderr) = Run(PythonWithDkim, ["-c", Script, file, dns.Address.ToString(), dns.Port.ToString()], null);
            if (code != 0) throw new InvalidOperationException($"dkimpy failed ({code}): {stderr}");
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        finally { File.Delete(file); }
    }

    private const string Script = """
        import sys, dkim, dns.resolver
        path, server, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [server]
        resolver.port = port
        def lookup(name, timeout=5):
            name = name.decode() if isinstance(name, bytes) else name
            try:
                answer = resolver.resolve(name.rstrip('.'), 'TXT', lifetime=timeout)
            except Exception:
                return None
            return b''.join(b''.join(r.strings) for r in answer)
        message = open(path, 'rb').read()
        d = dkim.DKIM(message)
        count = len([l for l in message.split(b'\r\n\r\n', 1)[0].split(b'\r\n') if l.lower().startswith(b'dkim-signature:')])
        for i in range(count):
            ok = d.verify(idx=i, dnsfunc=lookup)
            print(f"d={d.domain.decode()} s={d.selector.decode()} {'pass' if ok else 'fail'}")
        """;

    private static (int ExitCode, string StdOut, string StdErr) Run(string file, IEnumerable<string> args, string? stdin)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        if (stdin is not null) { process.StandardInput.Write(stdin); process.StandardInput.Close(); }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000)) { process.Kill(true); throw new TimeoutException($"{file} did not finish"); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
