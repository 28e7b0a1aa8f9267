using System.Text;
using System.Text.Json;
using Webhooks.Configuration;
using Webhooks.Intake;

namespace Webhooks.Verification;

/// <summary>
/// The provider's own delivery id, so the 202 body and the envelope carry the id the provider shows in its
/// dashboard and keeps across its retries: <c>webhook-id</c> (or Svix's <c>svix-id</c>; standard-webhooks), <c>X-GitHub-Delivery</c>
/// (github), the body's top-level <c>id</c> (stripe, the event id) or <c>event_id</c> (slack). Other schemes
/// honour a <c>webhook-id</c> header when the sender sets one. Null means "mint one". Ids that are empty, longer
/// than <see cref="MaxLength"/> or contain anything but printable ASCII are ignored: they end up in queue
/// messages, logs and file names.
/// </summary>
public static class DeliveryIdExtractor
{
    /// <summary>The longest provider id kept.</summary>
    public const int MaxLength = 200;

    /// <summary>The JSON property holding a Stripe event's id.</summary>
    public const string StripeIdProperty = "id";

    /// <summary>The JSON property holding a Slack Events API delivery's id.</summary>
    public const string SlackIdProperty = "event_id";

    /// <summary>The id from the headers and, failing that, from the JSON body.</summary>
    public static string? Extract(string scheme, IRequestHeaders headers, ReadOnlySpan<byte> body) =>
        FromHeaders(scheme, headers) ?? FromJsonBody(scheme, body);

    /// <summary>The id carried in a header for this scheme, or null.</summary>
    public static string? FromHeaders(string scheme, IRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var name = Is(scheme, VerificationSchemes.GitHub) ? GitHubVerifier.DeliveryHeader
            : Is(scheme, VerificationSchemes.Stripe) || Is(scheme, VerificationSchemes.Slack) ? null
            : StandardWebhooksVerifier.IdHeaderOf(headers);
        if (name is null || headers.Count(name) != 1)
        {
            return null;
        }

        var id = headers[name];
        return IsUsable(id) ? id : null;
    }

    /// <summary>The id carried in the JSON body for this scheme (Stripe's <c>id</c>, Slack's <c>event_id</c>), or null.</summary>
    public static string? FromJsonBody(string scheme, ReadOnlySpan<byte> body) =>
        BodyIdProperty(scheme) is { } property ? FromJsonBody(body, property) : null;

    /// <summary>The top-level JSON property holding the delivery id for <paramref name="scheme"/>, or null when its ids travel in headers.</summary>
    public static string? BodyIdProperty(string scheme) =>
        Is(scheme, VerificationSchemes.Stripe) ? StripeIdProperty
        : Is(scheme, VerificationSchemes.Slack) ? SlackIdProperty
        : null;

    /// <summary>
    /// A top-level string property of a JSON object, or null when the body is not a JSON object, lacks the property,
    /// holds another type there, or the id is not usable. Never throws.
    /// </summary>
    public static string? FromJsonBody(ReadOnlySpan<byte> body, string property)
    {
        ArgumentNullException.ThrowIfNull(property);
        try
        {
            var reader = new Utf8JsonReader(SenderJson.WithoutByteOrderMark(body), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var name = Encoding.UTF8.GetBytes(property);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var matches = reader.ValueTextEquals(name);
                reader.Read();
                if (matches)
                {
                    var id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    return IsUsable(id) ? id : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // A string with invalid UTF-8 or escapes that cannot be transcoded.
            return null;
        }
    }

    /// <summary>Whether an id may be used as a delivery id: 1 to <see cref="MaxLength"/> printable ASCII characters.</summary>
    public static bool IsUsable(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Is(string scheme, string expected) => string.Equals(scheme, expected, StringComparison.OrdinalIgnoreCase);
}
