using System.Net.Http.Headers;
using Webhooks.Testing;
using Webhooks.Testing.Azurite;
using Webhooks.Testing.Contracts;

namespace Webhooks.IntegrationTests.Hosting;

/// <summary>
/// The Kestrel host answers every request of the shared HTTP contract; tests/Webhooks.Functions.Tests runs the
/// same cases through the Functions app's functions, so both hosts give providers and operators the same answers.
/// </summary>
public sealed class KestrelHttpContractTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _deliveries = UniqueNames.Queue("kcontract");
    private WebhooksHostFactory _host = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _host = new WebhooksHostFactory(HttpContract.Settings(azurite.ConnectionString, _deliveries));
        _client = _host.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(HttpContract.CaseNames), MemberType = typeof(HttpContract))]
    public async Task Kestrel_AnswersAsTheContractSays(string caseName)
    {
        var contractCase = HttpContract.Get(caseName);
        var request = contractCase.Build(DateTimeOffset.UtcNow);

        using var message = ToMessage(request);
        using var response = await _client.SendAsync(message);

        var body = await response.Content.ReadAsByteArrayAsync();
        HttpContract.AssertAnswer(contractCase, new ContractAnswer(
            (int)response.StatusCode,
            name => response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null,
            response.Content.Headers.ContentType?.ToString(),
            body));
    }

    private static HttpRequestMessage ToMessage(ContractRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return message;
    }
}
