namespace Webhooks.Harness.Targets;

/// <summary>What a target received as one body, without the body: enough to check it byte-for-byte.</summary>
/// <param name="Length">Bytes received.</param>
/// <param name="Sha256">SHA-256 of those bytes, lowercase hex.</param>
public readonly record struct BodyDigest(long Length, string Sha256);
