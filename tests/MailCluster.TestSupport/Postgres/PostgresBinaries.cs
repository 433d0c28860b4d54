namespace MailCluster.TestSupport.Postgres;

/// <summary>Where initdb and pg_ctl are: on PATH, else the newest /usr/lib/postgresql/N/bin (Debian keeps them off PATH).</summary>
public sealed record PostgresBinaries(string InitDb, string PgCtl)
{
    public static PostgresBinaries Find()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
            : [];
        foreach (var dir in path.Concat(debian))
        {
            string initdb = Path.Combine(dir, "initdb"), pgctl = Path.Combine(dir, "pg_ctl");
            // pg_ctl starts the postgres binary beside its own (symlinks resolved), so only these two need finding.
            if (File.Exists(initdb) && File.Exists(pgctl)) return new PostgresBinaries(initdb, pgctl);
        }
        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin; " +
            "install them, e.g. apt-get install -y postgresql (.ci/run does this).");
    }
}
