namespace Webhooks.Delivery;

/// <summary>Whether a delivery may call its target now.</summary>
public enum TargetAdmissionKind
{
    /// <summary>The target is not paused.</summary>
    Proceed,

    /// <summary>The target is paused and its probe interval is up: this delivery goes through to test it.</summary>
    Probe,

    /// <summary>The target is paused: requeue without calling and without counting an attempt.</summary>
    Hold,
}

/// <summary>The pause registry's answer for one delivery.</summary>
/// <param name="Kind">Go, probe, or hold.</param>
/// <param name="HoldFor">For <see cref="TargetAdmissionKind.Hold"/>: time until the next probe.</param>
public readonly record struct TargetAdmission(TargetAdmissionKind Kind, TimeSpan HoldFor);
