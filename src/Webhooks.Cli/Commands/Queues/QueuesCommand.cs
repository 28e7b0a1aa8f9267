using System.CommandLine;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Commands.Queues;

/// <summary><c>webhooks queues stats</c>: depth and oldest age of every queue.</summary>
internal static class QueuesCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var stats = new Command("stats", "Depth (approximate) and age of the oldest visible message of every delivery queue, the dead-letter queue and every poison queue. Receives nothing.");
        stats.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var queues = await settings.CreateStore().QueueStatsAsync(cancellationToken);
            if (settings.Json)
            {
                JsonOutput.Write(context.Out, queues, DeadLetterJsonContext.Default.IReadOnlyListQueueStats);
            }
            else
            {
                StatsView.RenderQueues(context.Console, queues);
            }

            return ExitCodes.Ok;
        }));
        return new Command("queues", "Look at the storage queues.") { stats };
    }
}
