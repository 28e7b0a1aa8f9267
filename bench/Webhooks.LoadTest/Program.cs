using Webhooks.Harness.Cli;
using Webhooks.Harness.Reporting;
using Webhooks.Harness.Scenarios;

// dotnet run -c Release --project bench/Webhooks.LoadTest -- <intake|delivery|fanout|telemetry|memory|large> [options]; see docs/benchmarks.md.
using var console = HarnessConsole.Start(args);
var (arguments, machine) = (console.Arguments, console.Machine);
switch (arguments.Command)
{
    case "intake":
    {
        var options = new IntakeOptions(
            Concurrency: arguments.Number("concurrency", 16),
            Duration: arguments.Seconds("duration", TimeSpan.FromSeconds(20)),
            Warmup: arguments.Seconds("warmup", TimeSpan.FromSeconds(5)),
            Rounds: arguments.Number("rounds", 3),
            BodyBytes: arguments.Number("body-bytes", 1024),
            MaxOperations: arguments.Count("max-requests", long.MaxValue),
            HostLogLevel: arguments.Text("host-log-level", "Warning")!,
            HostEnvironment: arguments.Pairs("host-env"));
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await IntakeBenchmark.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(IntakeMarkdown.Render(report, machine));
        await ReportFiles.WriteAsync(json, new { machine, report });
        return 0;
    }

    case "delivery":
    {
        var options = new DeliveryBenchmarkOptions(
            Messages: arguments.Number("messages", 3000),
            Rounds: arguments.Number("rounds", 3),
            BatchSize: arguments.Number("batch", 32),
            Concurrency: arguments.Number("concurrency", 16),
            BodyBytes: arguments.Number("body-bytes", 1024),
            HostLogLevel: arguments.Text("host-log-level", "Warning")!);
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await DeliveryBenchmark.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(DeliveryMarkdown.Render(report, machine));
        await ReportFiles.WriteAsync(json, new { machine, report });
        return 0;
    }

    case "fanout":
    {
        var options = new FanOutOptions(
            Messages: arguments.Number("messages", 300),
            Rounds: arguments.Number("rounds", 3),
            Concurrency: arguments.Number("concurrency", 16),
            BodyBytes: arguments.Number("body-bytes", 1024),
            IntakeConcurrency: arguments.Number("intake-concurrency", 16),
            IntakeDuration: arguments.Seconds("duration", TimeSpan.FromSeconds(10)),
            IntakeWarmup: arguments.Seconds("warmup", TimeSpan.FromSeconds(3)),
            HostLogLevel: arguments.Text("host-log-level", "Warning")!,
            Sides: arguments.Text("sides", FanOutSides.Both)!);
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await FanOutBenchmark.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(machine);
        Console.WriteLine(report.ToMarkdown());
        await ReportFiles.WriteAsync(json, new { machine, report });
        return 0;
    }

    case "telemetry":
    {
        var options = new TelemetryOverheadOptions(
            Concurrency: arguments.Number("concurrency", 16),
            Duration: arguments.Seconds("duration", TimeSpan.FromSeconds(10)),
            Warmup: arguments.Seconds("warmup", TimeSpan.FromSeconds(3)),
            Rounds: arguments.Number("rounds", 3),
            BodyBytes: arguments.Number("body-bytes", 1024),
            Messages: arguments.Number("messages", 2000));
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await TelemetryOverheadBenchmark.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(machine);
        Console.WriteLine(report.ToMarkdown());
        await ReportFiles.WriteAsync(json, new { machine, report });
        return 0;
    }

    case "memory":
    {
        var options = new MemoryOptions(
            Duration: arguments.Seconds("duration", TimeSpan.FromMinutes(10)),
            Concurrency: arguments.Number("concurrency", 8),
            BodyBytes: arguments.Number("body-bytes", 1024));
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await MemoryScenario.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(MemoryMarkdown.Render(report, machine));
        await ReportFiles.WriteAsync(json, new { machine, report });
        return report.Passed ? 0 : 1;
    }

    case "large":
    {
        var options = new LargeBodyOptions(
            Count: arguments.Number("count", 24),
            Concurrency: arguments.Number("concurrency", 4),
            BodyBytes: arguments.Number("body-bytes", LargeBodyOptions.DefaultBodyBytes))
        {
            BlockBytes = arguments.Number("block-bytes", new LargeBodyOptions().BlockBytes),
        };
        var json = arguments.Text("json");
        arguments.EnsureAllUsed();
        var report = await LargeBodyScenario.RunAsync(options, Console.Out, console.Cancellation);
        Console.WriteLine();
        Console.WriteLine(LargeBodyMarkdown.Render(report, machine));
        await ReportFiles.WriteAsync(json, new { machine, report });
        return report.Passed ? 0 : 1;
    }

    default:
        Console.Error.WriteLine("Usage: Webhooks.LoadTest <intake|delivery|fanout|telemetry|memory|large> [--concurrency N] [--duration s] [--warmup s] [--rounds N] [--count N] [--body-bytes N] [--block-bytes N] [--json file]");
        return 2;
}
