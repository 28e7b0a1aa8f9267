using Spectre.Console;
using Webhooks.DeadLetters;

namespace Webhooks.Cli.Output;

/// <summary>
/// Shows a progress bar for a long store operation when a person is watching; otherwise runs it silently (output
/// redirected, <c>--json</c>), so scripts and logs get clean text.
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(IAnsiConsole console, bool show, string description, Func<IProgress<DeadLetterProgress>?, Task<T>> operation)
    {
        if (!show)
        {
            return await operation(null);
        }

        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: 1);
                var result = await operation(new TaskProgress(task));
                task.Value = task.MaxValue;
                return result;
            });
    }

    private sealed class TaskProgress(ProgressTask task) : IProgress<DeadLetterProgress>
    {
        public void Report(DeadLetterProgress value)
        {
            task.Description = value.Operation == "scan" ? $"scanning ({value.Total} read)" : value.Operation;
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Operation == "scan" ? 0 : value.Completed;
        }
    }
}
