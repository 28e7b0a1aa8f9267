using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Webhooks.Server;

/// <summary>
/// Turns a failure to start into one plain message per problem on stderr and a documented exit code (README,
/// "Start-up failures"), instead of an unhandled exception's stack trace and exit 134.
/// </summary>
internal static class StartupFailure
{
    /// <summary>The configuration is invalid; every problem is listed.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>An address to listen on is in use or may not be bound.</summary>
    public const int CannotListen = 3;

    /// <summary>Anything else that stopped the start.</summary>
    public const int Other = 1;

    /// <summary>The host's own error log of the failure, with its stack trace, is left out while starting.</summary>
    public const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Writes what went wrong to <paramref name="error"/> and returns the exit code.</summary>
    public static int Report(Exception exception, TextWriter error)
    {
        switch (exception)
        {
            case OptionsValidationException invalid:
                error.WriteLine("The webhooks server did not start: the configuration is invalid.");
                foreach (var failure in invalid.Failures)
                {
                    error.WriteLine($"  - {failure}");
                }

                return InvalidConfiguration;

            case InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
                || message.StartsWith("Cannot create instance of type", StringComparison.Ordinal):
                error.WriteLine("The webhooks server did not start: the configuration is invalid.");
                error.WriteLine($"  - {message}");
                return InvalidConfiguration;

            case IOException when Find<SocketException>(exception) is { } socket
                && socket.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied or SocketError.AddressNotAvailable:
            case IOException when Find<AddressInUseException>(exception) is not null:
                error.WriteLine($"The webhooks server did not start: {exception.Message}");
                error.WriteLine("  Another process may be listening there; choose another address with --urls or ASPNETCORE_URLS.");
                return CannotListen;

            default:
                error.WriteLine($"The webhooks server did not start: {exception.GetType().Name}: {exception.Message}");
                error.WriteLine(exception.ToString());
                return Other;
        }
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }
}
