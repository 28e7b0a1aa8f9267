using Webhooks.Harness.Reporting;

namespace Webhooks.Harness.Cli;

/// <summary>
/// How every harness console starts: its arguments parsed, Ctrl+C turned into cancellation (so hosts and Azurite
/// are stopped, not orphaned), and the machine's facts printed first, since every figure is only as good as them.
/// </summary>
public sealed class HarnessConsole : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    private HarnessConsole(string[] args)
    {
        Arguments = new Arguments(args);
        Machine = MachineFacts.Collect();
        Console.CancelKeyPress += OnCancelKeyPress;
        Console.WriteLine($"Machine: {Machine}");
    }

    /// <summary>The command line.</summary>
    public Arguments Arguments { get; }

    /// <summary>The machine the run is on, for every report.</summary>
    public MachineFacts Machine { get; }

    /// <summary>Cancelled by Ctrl+C.</summary>
    public CancellationToken Cancellation => _cancel.Token;

    /// <summary>Parses <paramref name="args"/>, hooks Ctrl+C and prints the machine facts.</summary>
    public static HarnessConsole Start(string[] args) => new(args);

    /// <inheritdoc />
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _cancel.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        _cancel.Cancel();
    }
}
