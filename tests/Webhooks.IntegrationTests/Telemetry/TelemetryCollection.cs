using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Telemetry;

/// <summary>
/// The test classes whose hosts export telemetry, run with one Azurite and with no other test running
/// (<c>DisableParallelization</c>): meter and source listeners are process-wide. Every live host has its own
/// <c>Webhooks</c> meter, and an OpenTelemetry provider merges same-named instruments into the metric stream of the
/// first one it saw; when that meter's host is disposed the stream is dropped, and this host's later measurements are
/// exported nowhere (checked with a two-meter console experiment: after the first meter's Dispose the second's adds
/// never appeared). Another test's host stopping mid-run made the exported-metrics test read 0 intake requests in CI.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Telemetry";
}
