using System.Text;
using Xunit.Abstractions;

namespace Webhooks.Smoke.Tests;

/// <summary>The harness logs to a TextWriter; this sends its lines to the test output.</summary>
internal sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                output.WriteLine(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_line)
        {
            output.WriteLine(_line + (value ?? string.Empty));
            _line.Clear();
        }
    }
}
