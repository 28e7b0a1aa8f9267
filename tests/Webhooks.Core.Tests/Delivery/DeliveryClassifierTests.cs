using Webhooks.Configuration;
using Webhooks.Delivery;
using Webhooks.Envelopes;

namespace Webhooks.Core.Tests.Delivery;

public class DeliveryClassifierTests
{
    private static readonly DeliveryOptions Options = new()
    {
        MaxAttempts = 5,
        MaxAge = TimeSpan.FromHours(24),
        BaseDelay = TimeSpan.FromSeconds(10),
        BackoffFactor = 2,
        MaxDelay = TimeSpan.FromHours(1),
        Jitter = "none",
    };

    private readonly DeliveryClassifier _classifier = new(new Backoff(new FixedRandom(0.5)));

    public static TheoryData<int, DeliveryDecisionKind, string?> StatusTable => new()
    {
        // 2xx: done
        { 200, DeliveryDecisionKind.Done, null },
        { 201, DeliveryDecisionKind.Done, null },
        { 202, DeliveryDecisionKind.Done, null },
        { 204, DeliveryDecisionKind.Done, null },
        // 3xx: redirects are not followed, so they are answers we cannot use
        { 301, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 302, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 304, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 307, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 308, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        // the seeds' 4xx: this message is wrong, retrying cannot help
        { 400, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 404, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 405, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 406, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 409, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 410, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 413, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 415, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 422, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        { 423, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetRejected },
        // account-level: the next thousand calls would fail alike
        { 401, DeliveryDecisionKind.PauseTarget, "target answered 401" },
        { 402, DeliveryDecisionKind.PauseTarget, "target answered 402" },
        { 403, DeliveryDecisionKind.PauseTarget, "target answered 403" },
        { 451, DeliveryDecisionKind.PauseTarget, "target answered 451" },
        // transient
        { 408, DeliveryDecisionKind.Requeue, null },
        { 425, DeliveryDecisionKind.Requeue, null },
        { 429, DeliveryDecisionKind.Requeue, null },
        { 500, DeliveryDecisionKind.Requeue, null },
        { 501, DeliveryDecisionKind.Requeue, null },
        { 502, DeliveryDecisionKind.Requeue, null },
        { 503, DeliveryDecisionKind.Requeue, null },
        { 504, DeliveryDecisionKind.Requeue, null },
        { 599, DeliveryDecisionKind.Requeue, null },
    };

    [Theory]
    [MemberData(nameof(StatusTable))]
    public void Classify_FirstAttemptStatus_FollowsTheTable(int status, DeliveryDecisionKind kind, string? reason)
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(status, attempt: 1, TimeSpan.FromSeconds(1)), Options);

        Assert.Equal(kind, decision.Kind);
        Assert.Equal(reason, decision.Reason);
        Assert.Equal(kind == DeliveryDecisionKind.Requeue ? TimeSpan.FromSeconds(10) : TimeSpan.Zero, decision.Delay);
    }

    [Theory]
    [InlineData(DeliveryFailureKind.Timeout, DeliveryDecisionKind.Requeue, null)]
    [InlineData(DeliveryFailureKind.ConnectionFailure, DeliveryDecisionKind.Requeue, null)]
    [InlineData(DeliveryFailureKind.Refused, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.TargetNotConfigured)]
    [InlineData(DeliveryFailureKind.ConfigurationError, DeliveryDecisionKind.DeadLetter, DeadLetterReasons.ConfigurationError)]
    [InlineData(DeliveryFailureKind.CredentialFailure, DeliveryDecisionKind.PauseTarget, "no token for the target")]
    public void Classify_CallWithoutAnswer_FollowsTheTable(DeliveryFailureKind failure, DeliveryDecisionKind kind, string? reason)
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForFailure(failure, attempt: 1, TimeSpan.Zero), Options);

        Assert.Equal(kind, decision.Kind);
        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(4, 80)]
    public void Classify_TransientFailure_DelayGrowsExponentiallyWithTheAttempt(int attempt, int expectedSeconds)
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(503, attempt, TimeSpan.FromMinutes(1)), Options);

        Assert.Equal(DeliveryDecision.Requeue(TimeSpan.FromSeconds(expectedSeconds)), decision);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(null)]
    public void Classify_TransientFailureOnLastAttempt_DeadLettersRetriesExhausted(int? status)
    {
        var arguments = status is { } s
            ? DeliveryClassificationArguments.ForStatus(s, attempt: 5, TimeSpan.FromMinutes(5))
            : DeliveryClassificationArguments.ForFailure(DeliveryFailureKind.Timeout, attempt: 5, TimeSpan.FromMinutes(5));

        var decision = _classifier.Classify(arguments, Options);

        Assert.Equal(DeliveryDecision.DeadLetter(DeadLetterReasons.RetriesExhausted), decision);
    }

    [Fact]
    public void Classify_TransientFailureOlderThanMaxAge_DeadLettersRetriesExhausted()
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(500, attempt: 2, TimeSpan.FromHours(24)), Options);

        Assert.Equal(DeliveryDecision.DeadLetter(DeadLetterReasons.RetriesExhausted), decision);
    }

    [Fact]
    public void Classify_TransientFailureJustYoungerThanMaxAge_StillRequeues()
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(500, attempt: 4, TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1)), Options);

        Assert.Equal(DeliveryDecisionKind.Requeue, decision.Kind);
    }

    [Theory]
    [InlineData(422)]
    [InlineData(401)]
    public void Classify_PermanentOrAccountFailureOnLastAttempt_IsNotReportedAsExhausted(int status)
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(status, attempt: 99, TimeSpan.FromDays(3)), Options);

        Assert.NotEqual(DeadLetterReasons.RetriesExhausted, decision.Reason);
    }

    [Fact]
    public void Classify_RetryAfter_ReplacesTheComputedDelay()
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(429, attempt: 1, TimeSpan.Zero, TimeSpan.FromSeconds(2)), Options);

        Assert.Equal(DeliveryDecision.Requeue(TimeSpan.FromSeconds(2)), decision);
    }

    [Fact]
    public void Classify_RetryAfterBeyondMaxDelay_IsCapped()
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(503, attempt: 1, TimeSpan.Zero, TimeSpan.FromDays(2)), Options);

        Assert.Equal(DeliveryDecision.Requeue(TimeSpan.FromHours(1)), decision);
    }

    [Theory]
    [InlineData(409)]
    [InlineData(423)]
    [InlineData(403)]
    public void Classify_SourceListsAnExtraRetryableStatus_RequeuesIt(int status)
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(status, attempt: 1, TimeSpan.Zero), Options, [409, 423, 403]);

        Assert.Equal(DeliveryDecision.Requeue(TimeSpan.FromSeconds(10)), decision);
    }

    [Fact]
    public void Classify_ExtraRetryableStatusesOfAnotherCode_LeaveTheDefaultAlone()
    {
        var decision = _classifier.Classify(DeliveryClassificationArguments.ForStatus(422, attempt: 1, TimeSpan.Zero), Options, [409]);

        Assert.Equal(DeliveryDecision.DeadLetter(DeadLetterReasons.TargetRejected), decision);
    }
}
