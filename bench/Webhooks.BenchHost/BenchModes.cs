namespace Webhooks.BenchHost;

/// <summary>The values of <c>Bench:Mode</c>.</summary>
internal static class BenchModes
{
    /// <summary>The real intake pipeline with an in-process sink instead of the storage queue.</summary>
    public const string Sink = "sink";

    /// <summary>A Kestrel endpoint that answers 202 and does nothing else.</summary>
    public const string Bare = "bare";
}
