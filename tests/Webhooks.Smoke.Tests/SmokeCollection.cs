namespace Webhooks.Smoke.Tests;

/// <summary>
/// The smoke runs start Azurite and host processes and load them: run them one at a time so they do not skew each
/// other (or time out) on a small CI machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SmokeCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Smoke runs";
}
