using System.CommandLine;
using System.Globalization;

namespace Webhooks.Cli.Commands;

/// <summary>
/// Range checks on numeric options. They read the token, not the converted value: when the token is not a number
/// at all, System.CommandLine has already reported that, and converting again would throw.
/// </summary>
internal static class OptionRules
{
    public static void InRange<T>(Option<T> option, double min, double max, string message)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0
                && double.TryParse(result.Tokens[^1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && (value < min || value > max))
            {
                result.AddError(message);
            }
        });
    }
}
