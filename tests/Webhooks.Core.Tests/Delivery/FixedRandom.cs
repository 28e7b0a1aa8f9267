namespace Webhooks.Core.Tests.Delivery;

/// <summary>A jitter source that always draws the same value, so delays are exact.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;

    protected override double Sample() => value;
}
