using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using MailCluster.Core.Auth;

namespace MailCluster.Cluster.Policy.RateLimit;

/// <summary>One subject an AUTH attempt is counted against: its counter's name, "ip" or "login", and its threshold.</summary>
public sealed record AuthLockoutSubject(string Subject, string Scope, int MaxFailures);

/// <summary>A lockout in force for one of the attempt's subjects.</summary>
public sealed record AuthLockedOut(AuthLockoutSubject Subject, DateTimeOffset Until);

/// <summary>
/// Asks the sharded rate counters about failed AUTH attempts: whether the client IP or the login is locked out
/// (before any password hash) and, after a failure, counting it against both.
/// </summary>
public static class AuthLockoutCheck
{
    /// <summary>
    /// The subjects of one attempt. IPv6 clients are counted per /64, the block one subscriber usually gets, so an
    /// attacker cannot step through addresses. Trusted networks (mynetworks) are exempt from the per-IP count only:
    /// a webmail host must not lock out all its users, but a guessed login is protected wherever the guesses come from.
    /// </summary>
    public static IReadOnlyList<AuthLockoutSubject> SubjectsOf(AuthLockoutSettings settings, IPAddress client, string login, bool trustedClient)
    {
        var subjects = new List<AuthLockoutSubject>(2);
        if (settings.MaxFailuresPerIp > 0 && !trustedClient)
            subjects.Add(new($"auth-ip:{ClientKey(client)}", "ip", settings.MaxFailuresPerIp));
        if (settings.MaxFailuresPerLogin > 0 && login.Length > 0)
            subjects.Add(new($"auth-login:{LoginKey(login)}", "login", settings.MaxFailuresPerLogin));
        return subjects;
    }

    /// <returns>The first lockout in force, or null.</returns>
    /// <exception cref="AskTimeoutException">A counter did not answer in time (the caller answers 454, never lets the attempt in).</exception>
    public static async Task<AuthLockedOut?> FindLockoutAsync(IActorRef counters, IReadOnlyList<AuthLockoutSubject> subjects, TimeSpan timeout)
    {
        var states = await Task.WhenAll(subjects.Select(s => counters.Ask<AuthLockoutState>(new GetAuthLockout(s.Subject), timeout)));
        for (var i = 0; i < subjects.Count; i++)
            if (states[i].LockedUntil is { } until) return new AuthLockedOut(subjects[i], until);
        return null;
    }

    /// <summary>Counts one failure against every subject.</summary>
    /// <returns>Each subject's state after it; <see cref="AuthLockoutState.LockedNow"/> marks the lockouts this failure started.</returns>
    public static async Task<IReadOnlyList<(AuthLockoutSubject Subject, AuthLockoutState State)>> CountFailureAsync(IActorRef counters,
        IReadOnlyList<AuthLockoutSubject> subjects, AuthLockoutSettings settings, TimeSpan timeout)
    {
        var states = await Task.WhenAll(subjects.Select(s =>
            counters.Ask<AuthLockoutState>(new CountAuthFailure(s.Subject, s.MaxFailures, settings.Window, settings.Duration), timeout)));
        return subjects.Zip(states, (subject, state) => (subject, state)).ToList();
    }

    private static string ClientKey(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6) client = client.MapToIPv4();
        if (client.AddressFamily != AddressFamily.InterNetworkV6) return client.ToString();
        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>Logins compare case-insensitively; an absurdly long one is hashed so it cannot make a huge entity name.</summary>
    private static string LoginKey(string login)
    {
        var key = login.Trim().ToLowerInvariant();
        return key.Length <= 128 ? key : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
