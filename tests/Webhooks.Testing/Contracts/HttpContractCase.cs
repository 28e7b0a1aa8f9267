namespace Webhooks.Testing.Contracts;

/// <summary>A request both hosts must answer alike, and what the answer must be.</summary>
/// <param name="Name">Reads as the behaviour, e.g. <c>intake_wrong_method_405</c>; the theory's display value.</param>
/// <param name="Build">Makes the request at send time (signatures carry the current timestamp).</param>
/// <param name="Expected">Status, error code, headers and body status the answer must have.</param>
public sealed record HttpContractCase(string Name, Func<DateTimeOffset, ContractRequest> Build, ContractExpectation Expected)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>An HTTP request described independently of the client that sends it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">Path under the host root, e.g. <c>/api/webhooks/shop</c>.</param>
/// <param name="Headers">Request headers (content headers included).</param>
/// <param name="Body">Body bytes, or null for none.</param>
public sealed record ContractRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body);

/// <summary>What a contract answer must carry.</summary>
/// <param name="Status">The status code.</param>
/// <param name="ErrorCode">The problem body's <c>errorCode</c>, or null when the answer is not a problem.</param>
/// <param name="Headers">Response headers that must be present with exactly these values.</param>
/// <param name="BodyStatus">The JSON body's <c>status</c> string (e.g. <c>accepted</c>) for non-problem answers, or null.</param>
/// <param name="ErrorFields">Keys that must appear in the problem's <c>errors</c> object.</param>
public sealed record ContractExpectation(
    int Status,
    string? ErrorCode,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? BodyStatus = null,
    IReadOnlyList<string>? ErrorFields = null);

/// <summary>The answer a host gave, read the same way for both hosts.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Header">Looks up a response header (content headers included); null when absent.</param>
/// <param name="ContentType">The response content type, or null.</param>
/// <param name="Body">The response body bytes.</param>
public sealed record ContractAnswer(int Status, Func<string, string?> Header, string? ContentType, byte[] Body);
