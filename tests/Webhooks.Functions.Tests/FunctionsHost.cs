using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Webhooks.Testing.Contracts;

namespace Webhooks.Functions.Tests;

/// <summary>
/// The Functions app's services (its own registration, <see cref="FunctionsServiceCollectionExtensions.AddWebhooksFunctions"/>)
/// and its HTTP functions called the way the worker's ASP.NET Core integration calls them: a real
/// <see cref="HttpContext"/> in, the returned <see cref="IActionResult"/> executed on it. Routing to the function is
/// by the routes <c>functions.metadata</c> declares (checked by <see cref="FunctionsMetadataTests"/>).
/// </summary>
internal sealed class FunctionsHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public FunctionsHost(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddWebhooksFunctions(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public IServiceProvider Services => _services;

    /// <summary>Sends <paramref name="request"/> to the function its path routes to and reads the answer.</summary>
    public async Task<ContractAnswer> SendAsync(ContractRequest request)
    {
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = request.Method;
        context.Request.Path = request.Path;
        foreach (var (name, value) in request.Headers)
        {
            context.Request.Headers.Append(name, value);
        }

        if (request.Body is not null)
        {
            context.Request.Body = new MemoryStream(request.Body);
            context.Request.ContentLength = request.Body.Length;
        }

        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        var result = await InvokeAsync(context.Request, request.Path);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));

        var headers = context.Response.Headers;
        return new ContractAnswer(
            context.Response.StatusCode,
            name => headers.TryGetValue(name, out var value) ? value.ToString() : null,
            context.Response.ContentType,
            responseBody.ToArray());
    }

    private static Task<IActionResult> InvokeAsync(HttpRequest request, string path)
    {
        const string Webhooks = "/api/webhooks/";
        const string Manage = "/api/manage/";
        const string Console = "/api/console/";
        if (path.StartsWith(Webhooks, StringComparison.Ordinal))
        {
            return ReceiveWebhook.Run(request, path[Webhooks.Length..]);
        }

        if (path.StartsWith(Manage, StringComparison.Ordinal))
        {
            return AdminApi.Run(request, path[Manage.Length..]);
        }

        if (path.StartsWith(Console, StringComparison.Ordinal))
        {
            return OperatorConsole.Run(request, path[Console.Length..]);
        }

        return path == "/api/health"
            ? CheckHealth.Run(request)
            : throw new ArgumentException($"No function routes {path}; add it to FunctionsHost if one should.", nameof(path));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
