using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Webhooks.Configuration;

/// <summary>
/// Validates an options class by its data annotations, naming each failing setting by its configuration path
/// (<c>Webhooks:DeadLetters:ReplayConcurrency</c>), so a wrong setting stops the app with one line an operator can act
/// on — the stock <c>ValidateDataAnnotations</c> names only the class and member. The hosts register it; the CLI calls it.
/// </summary>
/// <param name="section">The configuration section the options are bound from.</param>
public sealed class SectionAnnotationsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.SelectMany(result => result.MemberNames.DefaultIfEmpty(string.Empty).Select(member =>
        {
            var value = typeof(TOptions).GetProperty(member)?.GetValue(options);
            return string.Create(CultureInfo.InvariantCulture, $"{section}:{member} '{value}': {result.ErrorMessage}");
        })));
    }
}
