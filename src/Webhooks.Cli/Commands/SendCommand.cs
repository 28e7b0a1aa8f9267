using System.CommandLine;
using System.Net.Http.Headers;
using Webhooks.Cli.Commands.Sources;
using Webhooks.Cli.Output;
using Webhooks.Cli.Settings;
using Webhooks.Configuration;
using Webhooks.Verification;

namespace Webhooks.Cli.Commands;

/// <summary>
/// <c>webhooks send &lt;source&gt; --file payload.json [--url base]</c>: signs a payload with the source's scheme, as
/// its provider would, and posts it to the intake URL — the way to test a registration end to end.
/// </summary>
internal static class SendCommand
{
    public static Command Create(CliContext context, GlobalOptions globals)
    {
        var source = new Argument<string>("source") { Description = "The source to send as (its verification scheme and first secret sign the request)." };
        var file = new Option<FileInfo>("--file", "-f") { Description = "The payload to send, byte for byte.", Required = true };
        var url = new Option<string>("--url", "--target-url")
        {
            Description = "The app's base URL (the path /api/webhooks/<source> is added). Default http://127.0.0.1:7071.",
            DefaultValueFactory = _ => "http://127.0.0.1:7071",
        };
        var secret = new Option<string?>("--secret") { Description = "Sign with this secret instead of the source's first configured one." };
        var id = new Option<string?>("--id") { Description = "The delivery id to send (default: a new one)." };
        var contentType = new Option<string>("--content-type")
        {
            Description = "The Content-Type header. Default application/json.",
            DefaultValueFactory = _ => "application/json",
        };

        var command = new Command("send", "Sign a payload with the source's scheme and POST it to the intake URL; prints the status and body. Exit code 0 for 2xx, 1 otherwise, 3 when the source is not configured.");
        command.Arguments.Add(source);
        command.Options.Add(file);
        command.Options.Add(url);
        command.Options.Add(secret);
        command.Options.Add(id);
        command.Options.Add(contentType);
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, async () =>
        {
            var settings = new CliSettings(parseResult, globals, context);
            var name = parseResult.GetRequiredValue(source);
            var target = WebhookUrls.For(parseResult.GetRequiredValue(url), name);
            if (!settings.Webhooks.Sources.TryGetValue(name, out var options))
            {
                await context.Error.WriteLineAsync($"No source named '{name}' is configured (pass --config, or set Webhooks__Sources__{name}__…).");
                return ExitCodes.NothingMatched;
            }

            var payload = parseResult.GetRequiredValue(file);
            if (!payload.Exists)
            {
                throw new CliUsageException($"The payload file '{payload.FullName}' does not exist.");
            }

            var body = await File.ReadAllBytesAsync(payload.FullName, cancellationToken);
            var deliveryId = parseResult.GetValue(id) ?? $"msg_{Guid.NewGuid():N}";
            var headers = Sign(options, parseResult.GetValue(secret), deliveryId, body, context.Time);

            using var client = new HttpClient(context.HttpHandlerFactory(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(100) };
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(parseResult.GetRequiredValue(contentType));
            request.Headers.Accept.ParseAdd("application/json");
            foreach (var (header, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }

            using var response = await client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (settings.Json)
            {
                JsonOutput.Write(context.Out, new SendResult(target.ToString(), deliveryId, status, response.Content.Headers.ContentType?.ToString(), text), CliJsonContext.Default.SendResult);
            }
            else
            {
                await context.Out.WriteLineAsync($"POST {target} (delivery id {deliveryId}) -> {status} {response.ReasonPhrase}");
                if (text.Length > 0)
                {
                    await context.Out.WriteLineAsync(TextFormat.PrettyJson(text));
                }
            }

            return response.IsSuccessStatusCode ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private static SignatureHeaders Sign(SourceOptions source, string? secretOverride, string deliveryId, byte[] body, TimeProvider time)
    {
        if (!WebhookSigners.TryGet(source.Verification, out var signer))
        {
            throw new CliUsageException($"The source's verification scheme '{source.Verification}' has no signer.");
        }

        var secret = secretOverride ?? source.Secrets.FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
        if (secret is null && !string.Equals(source.Verification, VerificationSchemes.None, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliUsageException($"The source has no secret to sign '{source.Verification}' with: configure Secrets or pass --secret.");
        }

        return signer.CreateHeaders(new SigningContext(secret ?? string.Empty, deliveryId, time.GetUtcNow(), body, source));
    }
}
