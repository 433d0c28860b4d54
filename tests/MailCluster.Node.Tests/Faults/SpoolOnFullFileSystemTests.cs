using MailCluster.Core.Spool;

namespace MailCluster.Node.Tests.Faults;

/// <summary>
/// The spool by itself on a really full file system (a 1 MB tmpfs): SQLite's SQLITE_FULL must come out as a
/// <see cref="SpoolUnavailableException"/> that <see cref="StorageFaults.IsOutOfSpace"/> recognises, which is what
/// makes the session answer 452 4.3.1 rather than 451 4.3.0. In a whole node the queue journal may fill first
/// (DiskFullTmpfsTests); here nothing else competes for the space.
/// </summary>
public sealed class SpoolOnFullFileSystemTests
{
    [RootFact]
    public async Task Sqlite_full_is_reported_as_out_of_space_and_nothing_half_written_remains()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.DataDir);
        DiskFullTmpfsTests.Run("mount", "-t", "tmpfs", "-o", "size=1m", "mailcluster-spool-test", dir.DataDir);
        try
        {
            var stored = new List<string>();
            SpoolUnavailableException? failure = null;
            await using (var spool = await SqliteMessageSpool.OpenAsync(new SqliteSpoolOptions(Path.Combine(dir.DataDir, "spool.db"), TimeSpan.FromSeconds(5))))
            {
                var body = new byte[32 * 1024];
                Random.Shared.NextBytes(body); // incompressible, not that SQLite compresses
                for (var i = 0; i < 200 && failure is null; i++)
                {
                    var id = $"FULL{i:D4}";
                    try
                    {
                        await spool.StoreAsync(new SpooledMessage(id, "a@example.org", ["b@example.net"], "127.0.0.1", "full.test",
                            DateTimeOffset.UtcNow, body));
                        stored.Add(id);
                    }
                    catch (SpoolUnavailableException ex) { failure = ex; }
                }
                Assert.NotNull(failure);
                Assert.True(StorageFaults.IsOutOfSpace(failure), $"not recognised as out of space: {failure}");
                Assert.NotEmpty(stored);
                // Everything acknowledged before the disk filled is still there, whole.
                foreach (var id in stored) Assert.Equal(body.Length, (await spool.LoadAsync(id))!.Content.Length);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            DiskFullTmpfsTests.Run("umount", "-l", dir.DataDir);
        }
    }
}
