using Webhooks.Configuration;
using Webhooks.Verification;
using static Webhooks.Core.Tests.Verification.VerificationTestData;

namespace Webhooks.Core.Tests.Verification;

/// <summary>Garbage in any header a verifier reads yields a 401 verdict, never an exception or a success.</summary>
public class MalformedInputTests
{
    private static readonly string[] HeaderNames =
    [
        "webhook-id", "webhook-timestamp", "webhook-signature", "X-Hub-Signature-256", "Stripe-Signature",
        "X-Slack-Signature", "X-Slack-Request-Timestamp", "X-Signature", "x-api-key",
    ];

    private static readonly string[] Fragments =
    [
        "v1,", "v0=", "v1=", "t=", "sha256=", "whsec_", ",", " ", "=", "==", ".", ":", "-", "+", "/", "\0", "\u00e9",
        "\ud83d\ude00", "\ud800", "1767225600", "9999999999999999999999", "-1", "0",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    ];

    public static TheoryData<string> SigningSchemes =>
        [.. VerificationSchemes.All.Where(s => s != VerificationSchemes.None).Order()];

    [Theory]
    [MemberData(nameof(SigningSchemes))]
    public void Verify_RandomGarbageHeaders_AlwaysReturns401(string scheme)
    {
        var random = new Random(20260101);
        var source = Source(scheme, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "plain-secret");
        var verifier = VerifierRegistry.Get(scheme);

        for (var i = 0; i < 2_000; i++)
        {
            var headers = HeaderNames
                .Where(_ => random.Next(4) != 0)
                .Select(name => Header(name, RandomValue(random)))
                .ToArray();
            var body = new byte[random.Next(0, 256)];
            random.NextBytes(body);

            var result = verifier.Verify(Context(source, headers, body));

            Assert.False(result.Succeeded);
            Assert.Equal(401, result.Status);
            Assert.NotNull(result.ErrorCode);
        }
    }

    [Theory]
    [MemberData(nameof(SigningSchemes))]
    public void Verify_SourceWithNullOrBlankSecrets_Returns401(string scheme)
    {
        var headers = HeaderNames.Select(name => Header(name, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")).ToArray();
        var nullSecrets = new SourceOptions { Verification = scheme, Secrets = null! };
        var blankSecrets = Source(scheme, "", "  ");

        Assert.Equal(401, VerifierRegistry.Get(scheme).Verify(Context(nullSecrets, headers, [])).Status);
        Assert.Equal(401, VerifierRegistry.Get(scheme).Verify(Context(blankSecrets, headers, [])).Status);
    }

    [Theory]
    [MemberData(nameof(SigningSchemes))]
    public void Verify_HugeHeaderValues_Returns401(string scheme)
    {
        var huge = new string('a', 256 * 1024);
        var headers = HeaderNames.Select(name => Header(name, huge)).ToArray();

        var result = VerifierRegistry.Get(scheme).Verify(Context(Source(scheme, "s"), headers, Utf8("{}")));

        Assert.Equal(401, result.Status);
    }

    private static string RandomValue(Random random)
    {
        var parts = random.Next(0, 12);
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < parts; i++)
        {
            text.Append(random.Next(3) == 0
                ? (char)random.Next(0, 0xFFFF)
                : Fragments[random.Next(Fragments.Length)]);
        }

        return text.ToString();
    }
}
