namespace Webhooks.Cli;

/// <summary>A mistake in the command line or the settings: reported as-is, exit code <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class CliUsageException(string message, Exception? inner = null) : Exception(message, inner);
