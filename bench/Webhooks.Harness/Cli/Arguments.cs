using System.Globalization;

namespace Webhooks.Harness.Cli;

/// <summary>
/// <c>command --name value --flag</c> arguments for the harness consoles: small enough not to need a parser package,
/// strict enough to refuse a misspelt option instead of silently running the default.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="args"/>: the first non-option word is the command.</summary>
    public Arguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                Command ??= arg;
                continue;
            }

            var name = arg[2..];
            var value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            _options[name] = value;
        }
    }

    /// <summary>The command word, or null.</summary>
    public string? Command { get; }

    /// <summary>An integer option.</summary>
    public int Number(string name, int fallback) => Get(name, fallback, s => int.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A long option.</summary>
    public long Count(string name, long fallback) => Get(name, fallback, s => long.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>A duration in seconds (<c>30</c>, <c>2.5</c>) or as a TimeSpan (<c>00:10:00</c>).</summary>
    public TimeSpan Seconds(string name, TimeSpan fallback) => Get(name, fallback, s =>
        s.Contains(':', StringComparison.Ordinal) ? TimeSpan.Parse(s, CultureInfo.InvariantCulture) : TimeSpan.FromSeconds(double.Parse(s, CultureInfo.InvariantCulture)));

    /// <summary>A text option.</summary>
    public string? Text(string name, string? fallback = null) => Get(name, fallback, s => s);

    /// <summary><c>KEY=VALUE;KEY2=VALUE2</c> as a dictionary (empty when absent).</summary>
    public Dictionary<string, string> Pairs(string name) =>
        Get(name, string.Empty, s => s)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);

    /// <summary>A flag: present (without a value, or with true/false).</summary>
    public bool Flag(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var value) && (value is null || bool.Parse(value));
    }

    /// <summary>Throws for any option no one asked for (a typo would otherwise go unnoticed).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }

    private T Get<T>(string name, T fallback, Func<string, T> parse)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value))
        {
            return fallback;
        }

        return value is null ? throw new ArgumentException($"--{name} needs a value.") : parse(value);
    }
}
