using System.Text;
using System.Text.Json;
using Azure;
using Moq;
using Webhooks.Configuration;
using Webhooks.Envelopes;
using Webhooks.Intake;
using Webhooks.Problems;
using Webhooks.Verification;

namespace Webhooks.Core.Tests.Intake;

/// <summary>
/// The documented precedence: each fault alone gives its status, and any two faults together give the status of
/// the one that comes first in the table.
/// </summary>
public class PrecedenceTests
{
    /// <summary>The faults in precedence order, with the status and error code each must produce.</summary>
    public enum Fault
    {
        UnknownSource,
        WrongMethod,
        DeclaredTooLarge,
        NotJson,
        AcceptExcludesJson,
        StreamedTooLarge,
        BadSignature,
        KeyForAnotherSource,
        Locked,
        PaymentRequired,
        Suspended,
        RateLimited,
        MalformedJson,
        ValidationFails,
        QueueDown,
    }

    private static readonly Dictionary<Fault, (int Status, string Code)> Expected = new()
    {
        [Fault.UnknownSource] = (404, ErrorCodes.NotFound),
        [Fault.WrongMethod] = (405, ErrorCodes.MethodNotAllowed),
        [Fault.DeclaredTooLarge] = (413, ErrorCodes.PayloadTooLarge),
        [Fault.NotJson] = (415, ErrorCodes.UnsupportedMediaType),
        [Fault.AcceptExcludesJson] = (406, ErrorCodes.NotAcceptable),
        [Fault.StreamedTooLarge] = (413, ErrorCodes.PayloadTooLarge),
        [Fault.BadSignature] = (401, ErrorCodes.InvalidSignature),
        [Fault.KeyForAnotherSource] = (403, ErrorCodes.ForbiddenAction),
        [Fault.Locked] = (423, ErrorCodes.SourceLocked),
        [Fault.PaymentRequired] = (402, ErrorCodes.PaymentRequired),
        [Fault.Suspended] = (451, ErrorCodes.SourceSuspended),
        [Fault.RateLimited] = (429, ErrorCodes.RateLimited),
        [Fault.MalformedJson] = (400, ErrorCodes.InvalidJson),
        [Fault.ValidationFails] = (422, ErrorCodes.InvalidArguments),
        [Fault.QueueDown] = (503, ErrorCodes.QueueUnavailable),
    };

    // Faults that describe the same property (both are source states; both are verdicts) cannot be combined.
    private static readonly Fault[][] Exclusive =
    [
        [Fault.Locked, Fault.PaymentRequired, Fault.Suspended],
        [Fault.BadSignature, Fault.KeyForAnotherSource],
        [Fault.DeclaredTooLarge, Fault.StreamedTooLarge],
    ];

    public static TheoryData<Fault> Singles() => [.. Enum.GetValues<Fault>()];

    public static TheoryData<Fault, Fault> Pairs()
    {
        var data = new TheoryData<Fault, Fault>();
        var all = Enum.GetValues<Fault>();
        foreach (var first in all)
        {
            foreach (var second in all.Where(f => f > first))
            {
                if (!Exclusive.Any(group => group.Contains(first) && group.Contains(second)))
                {
                    data.Add(first, second);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Singles))]
    public async Task EachFault_Alone_GivesItsDocumentedStatus(Fault fault)
    {
        var (status, code) = await RunAsync(fault);

        Assert.Equal(Expected[fault], (status, code));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task TwoFaults_GiveTheStatusOfTheEarlierOne(Fault first, Fault second)
    {
        var (status, code) = await RunAsync(first, second);

        Assert.Equal(Expected[first], (status, code));
    }

    [Fact]
    public async Task NoFault_Accepts202_AndQueuesTheBodyByteForByte()
    {
        var harness = new IntakeHarness();
        var response = await harness.Build().HandleAsync(IntakeHarness.Request());

        Assert.Equal(202, response.Status);
        var queued = Assert.Single(harness.Queued);
        Assert.Equal(Encoding.UTF8.GetBytes(IntakeHarness.ValidBody), queued.Envelope.Body);
        Assert.Equal("msg_1", queued.Envelope.Id);
        Assert.Equal(EnvelopeSerializer.Serialize(queued.Envelope), queued.Bytes);
        using var body = JsonDocument.Parse(response.Body);
        Assert.Equal("msg_1", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("accepted", body.RootElement.GetProperty("status").GetString());
    }

    private static async Task<(int Status, string? Code)> RunAsync(params Fault[] faults)
    {
        var harness = new IntakeHarness();
        var has = faults.ToHashSet();
        var headers = new List<KeyValuePair<string, string>>();
        var body = IntakeHarness.ValidBody;
        byte[]? raw = null;
        long? contentLength = -1;

        if (has.Contains(Fault.NotJson))
        {
            headers.Add(new("Content-Type", "text/plain"));
        }

        if (has.Contains(Fault.AcceptExcludesJson))
        {
            headers.Add(new("Accept", "text/html"));
        }

        if (has.Contains(Fault.DeclaredTooLarge))
        {
            contentLength = 10_000;
        }

        if (has.Contains(Fault.StreamedTooLarge))
        {
            raw = Encoding.UTF8.GetBytes("{\"type\":\"" + new string('x', 2000) + "\"}");
            contentLength = null;
        }

        if (has.Contains(Fault.BadSignature))
        {
            harness.Verdict = VerificationResult.Unauthorized(ErrorCodes.InvalidSignature, "bad");
        }

        if (has.Contains(Fault.KeyForAnotherSource))
        {
            harness.Verdict = VerificationResult.Forbidden(ErrorCodes.ForbiddenAction, "other source");
        }

        harness.Shop.State = has.Contains(Fault.Locked) ? SourceStates.Locked
            : has.Contains(Fault.PaymentRequired) ? SourceStates.PaymentRequired
            : has.Contains(Fault.Suspended) ? SourceStates.Suspended
            : SourceStates.Active;

        if (has.Contains(Fault.RateLimited))
        {
            harness.Shop.RateLimit = new RateLimitOptions { PermitsPerSecond = 0.001, Burst = 1 };
        }

        if (has.Contains(Fault.MalformedJson))
        {
            body = "{\"type\": ";
        }
        else if (has.Contains(Fault.ValidationFails))
        {
            body = """{"type":7}""";
        }

        if (has.Contains(Fault.QueueDown))
        {
            harness.Queue.Setup(q => q.EnqueueAsync(It.IsAny<DeliveryEnvelope>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
                .ThrowsAsync(new RequestFailedException(0, "connection refused"));
        }

        if (has.Contains(Fault.RateLimited))
        {
            // Spend the source's only permit.
            Assert.True(harness.RateLimiter.TryAcquire("shop", harness.Shop.RateLimit, out _));
        }

        var intake = harness.Build();
        var request = IntakeHarness.Request(
            source: has.Contains(Fault.UnknownSource) ? "nobody" : "shop",
            method: has.Contains(Fault.WrongMethod) ? "PUT" : "POST",
            body: body,
            rawBody: raw,
            contentLength: contentLength,
            headers: headers);

        var response = await intake.HandleAsync(request);

        if (response.Status != 202)
        {
            Assert.Empty(harness.Queued);
        }

        return (response.Status, response.ErrorCode);
    }
}
