using Azure;
using Azure.Identity;

namespace Webhooks.Cli.Commands;

/// <summary>Runs a command body and turns the failures it can meet into a message on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliUsageException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (RequestFailedException ex)
        {
            await context.Error.WriteLineAsync(ex.Status == 0
                ? $"error: cannot reach Storage: {ex.Message}"
                : $"error: Storage answered {ex.Status} {ex.ErrorCode}: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (AggregateException ex) when (Webhooks.AzureStorage.StorageFailures.IsStorageFailure(ex))
        {
            // The SDK's retries ran out: the last try says why.
            await context.Error.WriteLineAsync($"error: cannot reach Storage ({Webhooks.AzureStorage.StorageFailures.Describe(ex)}) after retrying.");
            return ExitCodes.Failure;
        }
        catch (AuthenticationFailedException ex)
        {
            await context.Error.WriteLineAsync($"error: signing in to Azure failed (az login, or set AZURE_* variables): {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("cancelled.");
            return ExitCodes.Failure;
        }
    }
}
