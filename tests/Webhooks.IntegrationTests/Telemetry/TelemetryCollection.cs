using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Telemetry;

/// <summary>
/// The test classes whose hosts record telemetry, run one after another with one Azurite: meter and source listeners
/// are process-wide, so a second host's <c>Webhooks</c> meter alive at the same time is another meter of the same
/// name to every provider, and the in-memory exporters' counts would depend on which host registered first.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Telemetry";
}
