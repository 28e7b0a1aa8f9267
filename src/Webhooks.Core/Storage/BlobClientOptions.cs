namespace Webhooks.Storage;

/// <summary>Options shared by every client built from one <see cref="BlobServiceClient"/>.</summary>
public sealed class BlobClientOptions
{
    /// <summary>The <c>x-ms-version</c> sent with every request.</summary>
    public string ServiceVersion { get; set; } = "2025-01-05";

    /// <summary>
    /// How long one request may take before it fails with status 0: the whole call for small requests (one block
    /// included), the wait for the response headers for streamed downloads. Default 30 s.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The HTTP client to send with; when null the client owns one. Its own timeout is not used.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Where time comes from (request dates for Shared Key).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
