namespace Webhooks.Harness.Fuzzing;

/// <summary>One malformed (or, for control, well-formed) request of the fuzz corpus, as the exact bytes to send.</summary>
/// <param name="Number">Its position in the corpus (with the seed, enough to reproduce it).</param>
/// <param name="Category">What kind of abuse it is (broken-json, lying-length, …).</param>
/// <param name="Detail">The particular variant, for reports.</param>
/// <param name="Head">Request line and headers, up to and including the blank line.</param>
/// <param name="Body">The body bytes to send (may differ from what Content-Length claims).</param>
/// <param name="Mode">How the bytes are sent.</param>
/// <param name="Expected">The statuses this case should plausibly get (informative; the hard rules are in <see cref="FuzzVerdict"/>).</param>
/// <param name="BreaksFraming">
/// True when the request is not valid HTTP/1.1 at all (bad request line, header bytes, oversized header block), so
/// Kestrel itself answers before the app runs, without a problem body.
/// </param>
public sealed record FuzzCase(
    int Number,
    string Category,
    string Detail,
    byte[] Head,
    byte[] Body,
    SendMode Mode,
    IReadOnlySet<int> Expected,
    bool BreaksFraming = false);

/// <summary>How a case's bytes go on the wire.</summary>
public enum SendMode
{
    /// <summary>Everything at once, then wait for the answer.</summary>
    Whole,

    /// <summary>Headers, then the body a few bytes at a time, far below Kestrel's minimum data rate.</summary>
    Slow,

    /// <summary>Headers and part of the body, then nothing (the connection stays open).</summary>
    Stall,

    /// <summary>Headers and part of the body, then the sending side is shut down (FIN) before the declared length.</summary>
    CloseEarly,
}
