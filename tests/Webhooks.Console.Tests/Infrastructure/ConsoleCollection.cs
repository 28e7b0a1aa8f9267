namespace Webhooks.Console.Tests.Infrastructure;

/// <summary>One host and one browser for the console's tests, which run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleHost>, ICollectionFixture<ConsoleBrowser>
{
    public const string Name = "Console";
}
