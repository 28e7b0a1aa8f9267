namespace Webhooks.Cli;

/// <summary>The exit codes scripts can rely on (documented in docs/operations.md).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The operation failed (Storage unreachable, a replay or purge left entries behind, the target answered non-2xx).</summary>
    public const int Failure = 1;

    /// <summary>The command line or the settings are wrong; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Nothing matched: no entry, id or source fits what was asked.</summary>
    public const int NothingMatched = 3;
}
