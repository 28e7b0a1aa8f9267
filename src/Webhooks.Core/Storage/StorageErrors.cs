using System.Xml;
using Azure;
using Azure.Identity;

namespace Webhooks.Storage;

/// <summary>Builds the <see cref="RequestFailedException"/> for each kind of failure. Messages never contain a query (SAS).</summary>
internal static class StorageErrors
{
    /// <summary>A non-success answer: the service's status, <c>x-ms-error-code</c> and <c>&lt;Message&gt;</c>.</summary>
    public static RequestFailedException FromResponse(StorageRequest request, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var (bodyCode, serviceMessage) = ReadErrorBody(body);
        var errorCode = response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.FirstOrDefault() : bodyCode;
        var detail = string.IsNullOrWhiteSpace(serviceMessage) ? response.ReasonPhrase : serviceMessage.Trim();
        var message = $"{request.Describe()} failed with status {status} ({errorCode ?? "no error code"}): {detail}";
        return new RequestFailedException(status, message, errorCode, null);
    }

    /// <summary>No answer within the network timeout: status 0.</summary>
    public static RequestFailedException Timeout(StorageRequest request, TimeSpan timeout, Exception inner) =>
        new(0, $"{request.Describe()} timed out after {timeout.TotalSeconds:0.###} s.", null, inner);

    /// <summary>The connection failed (refused, reset, DNS): status 0.</summary>
    public static RequestFailedException Transport(StorageRequest request, Exception inner) =>
        new(0, $"{request.Describe()} could not reach the storage service: {inner.Message}", null, inner);

    /// <summary>No access token could be obtained: status 0, the service was never asked.</summary>
    public static RequestFailedException Authentication(StorageRequest request, AuthenticationFailedException inner) =>
        new(0, $"{request.Describe()} could not get an Entra ID token for storage: {inner.Message}", null, inner);

    /// <summary>A success answer whose body we could not read.</summary>
    public static RequestFailedException UnreadableResponse(int status, Exception inner) =>
        new(status, $"The storage service answered {status} with a body that is not the documented XML: {inner.Message}", null, inner);

    private static (string? Code, string? Message) ReadErrorBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            var error = QueueXml.Load(body).Root;
            return (error?.Element("Code")?.Value, error?.Element("Message")?.Value);
        }
        catch (XmlException)
        {
            return (null, null);
        }
    }
}
