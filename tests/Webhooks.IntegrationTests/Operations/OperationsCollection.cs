using Webhooks.Testing.Azurite;

namespace Webhooks.IntegrationTests.Operations;

/// <summary>One Azurite for all operations tests (each test uses its own queues); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class OperationsCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Operations";
}
