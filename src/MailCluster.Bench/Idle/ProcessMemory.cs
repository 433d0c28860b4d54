using System.Globalization;

namespace MailCluster.Bench.Idle;

/// <summary>Resident set size of another process, read from Linux /proc (no privileges needed for own user).</summary>
public static class ProcessMemory
{
    /// <returns>VmRSS in MB, or null if the process is gone or /proc is unavailable.</returns>
    public static double? ReadResidentMegabytes(int pid)
    {
        try
        {
            // Line looks like "VmRSS:\t  123456 kB".
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var fields = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return fields is [_, var kb, "kB"] ? long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0 : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
