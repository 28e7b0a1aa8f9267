using Webhooks.Harness.Cli;
using Webhooks.Harness.Fuzzing;
using Webhooks.Harness.Reconciliation;
using Webhooks.Harness.Reporting;

// dotnet run -c Release --project bench/Webhooks.Reliability -- <reconcile|fuzz> [options]; see docs/reliability.md.
using var console = HarnessConsole.Start(args);
var (arguments, machine) = (console.Arguments, console.Machine);
switch (arguments.Command)
{
    case "fuzz":
    {
        var options = new FuzzOptions(
            Seed: arguments.Number("seed", 8),
            Count: arguments.Number("count", 10_000),
            Concurrency: arguments.Number("concurrency", 16),
            Only: arguments.Text("only") is { } only ? int.Parse(only, System.Globalization.CultureInfo.InvariantCulture) : null,
            ShowHostLog: arguments.Flag("host-log"),
            Category: arguments.Text("category"));
        var details = arguments.Flag("details");
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await FuzzRun.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown(machine));
        if (details)
        {
            Console.WriteLine(report.VariantsToMarkdown());
        }

        await ReportFiles.WriteAsync(json, new { machine, report });
        return report.Passed ? 0 : 1;
    }

    case "reconcile":
    {
        var options = new ReconciliationOptions(
            Deliveries: arguments.Number("deliveries", 20_000),
            Concurrency: arguments.Number("concurrency", 16),
            Seed: arguments.Number("seed", 8),
            RestartAzurite: !arguments.Flag("no-azurite-restart"),
            KillHost: !arguments.Flag("no-host-kill"));
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await ReconciliationRun.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown(machine));
        await ReportFiles.WriteAsync(json, new { machine, report });
        return report.Passed ? 0 : 1;
    }

    default:
        Console.Error.WriteLine("Usage: Webhooks.Reliability <reconcile|fuzz> [options] (see docs/reliability.md)");
        return 2;
}
