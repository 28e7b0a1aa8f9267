using System.CommandLine;

namespace Webhooks.Cli.Settings;

/// <summary>Options every command accepts (declared once on the root, recursive).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Storage connection string (default: AzureWebJobsStorage from --config or the environment, else UseDevelopmentStorage=true).",
        Recursive = true,
    };

    public Option<string?> Account { get; } = new("--account")
    {
        Description = "Storage account name, signed in with Entra ID (DefaultAzureCredential: az login, environment, managed identity).",
        Recursive = true,
    };

    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "Settings file: appsettings.json, or local.settings.json (its \"Values\"). Environment variables override it.",
        Recursive = true,
    };

    public Option<string?> DeliveriesQueue { get; } = new("--deliveries-queue")
    {
        Description = "Deliveries queue name (default: Webhooks:Queues:Deliveries, else webhooks-deliveries). Its poison queue is <name>-poison.",
        Recursive = true,
    };

    public Option<string?> DeadLetterQueue { get; } = new("--deadletter-queue")
    {
        Description = "Dead-letter queue name (default: Webhooks:Queues:DeadLetter, else webhooks-deadletter).",
        Recursive = true,
    };

    public Option<int?> QueueCount { get; } = new("--queue-count")
    {
        Description = "How many delivery queues the app spreads over (default: Webhooks:Queues:Count, else 1). Queues 1… are <deliveries>-1…; each has its <name>-poison.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON for scripts instead of tables (no progress bars, no prompts).",
        Recursive = true,
    };

    public IEnumerable<Option> All => [ConnectionString, Account, Config, DeliveriesQueue, DeadLetterQueue, QueueCount, Json];
}
