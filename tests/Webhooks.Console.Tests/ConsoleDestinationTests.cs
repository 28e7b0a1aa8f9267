using System.Net;
using Microsoft.Playwright;
using Webhooks.Console.Tests.Infrastructure;
using Webhooks.Testing.Targets;

namespace Webhooks.Console.Tests;

/// <summary>
/// A fanned-out source in the browser: dead letters filtered and shown by destination, and a replay sent to another
/// destination of the same source from the replay dialog and from the bulk replay dialog.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleDestinationTests(ConsoleBrowser browser)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DeadLetters_FilterAndShowTheirDestination_AndTheReplayDialogSendsToAnotherOne()
    {
        await using var crm = await ScriptedTarget.StartAsync();
        crm.Default = TargetReply.Json(422, """{"message":"The given data was invalid.","errors":{"customer":["Unknown customer."]}}""");
        await using var billing = await ScriptedTarget.StartAsync();
        var host = new ConsoleHost(new Dictionary<string, string?>
        {
            ["Webhooks:Sources:shop:Verification"] = "standard-webhooks",
            ["Webhooks:Sources:shop:Secrets:0"] = ConsoleHost.MembersSecret,
            ["Webhooks:Sources:shop:Destinations:crm:Url"] = crm.Url.ToString(),
            ["Webhooks:Sources:shop:Destinations:crm:Filter:type"] = "customer.*",
            ["Webhooks:Sources:shop:Destinations:billing:Url"] = billing.Url.ToString(),
        });
        await host.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.Accepted, await host.SendStandardWebhooksAsync("shop", "evt_shop_1", "{\"type\":\"customer.created\"}"));
            await host.WaitForDeadLettersAsync(1, Patience);
            await billing.WaitForAnsweredAsync(1, Patience);

            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(host.BaseUri, "api/console/").ToString());
            await page.GetByLabel("Admin API key").FillAsync(ConsoleHost.AdminKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            // Sources lists each destination with its URL and filter, not the unused single "Target".
            await page.GetByRole(AriaRole.Link, new() { Name = "Sources" }).ClickAsync();
            var shop = page.Locator("section.source", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "shop" }) });
            var destinations = shop.Locator("ul.destinations li");
            await Assertions.Expect(destinations).ToHaveCountAsync(2);
            await Assertions.Expect(destinations.Nth(0)).ToHaveTextAsync($"billing: {billing.Url.GetLeftPart(UriPartial.Path)} (takes everything)");
            await Assertions.Expect(destinations.Nth(1)).ToHaveTextAsync($"crm: {crm.Url.GetLeftPart(UriPartial.Path)} (takes type=customer.*)");
            await Assertions.Expect(shop.Locator("dl.facts")).Not.ToContainTextAsync("Target");
            await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters", Exact = true }).First.ClickAsync();

            // The filter offers every configured destination; billing has no dead letter, crm has the one.
            var rows = page.Locator("table tbody tr");
            await page.GetByLabel("Destination").SelectOptionAsync("billing");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Assertions.Expect(page.Locator("table caption")).ToHaveTextAsync("No dead letters match");
            await page.GetByLabel("Destination").SelectOptionAsync("crm");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("table thead")).ToContainTextAsync("Destination");
            await Assertions.Expect(rows.First).ToContainTextAsync("crm");

            // The detail names it; the replay dialog offers the source's other destination.
            await rows.First.GetByRole(AriaRole.Link).ClickAsync();
            await Assertions.Expect(page.Locator("dl.facts").First).ToContainTextAsync("Destinationcrm");
            await page.GetByRole(AriaRole.Button, new() { Name = "Replay…" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await dialog.GetByLabel("Send to").SelectOptionAsync("billing");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Replayed evt_shop_1 to billing.");

            var calls = await billing.WaitForAnsweredAsync(2, Patience);
            Assert.Equal("evt_shop_1:billing", calls[1].Header("Idempotency-Key"));
            Assert.Single(crm.Requests);

            // "Replay all matching…" with one source in the filter offers the same choice, and re-targets every entry.
            Assert.Equal(HttpStatusCode.Accepted, await host.SendStandardWebhooksAsync("shop", "evt_shop_2", "{\"type\":\"customer.updated\"}"));
            await host.WaitForDeadLettersAsync(1, Patience);
            await billing.WaitForAnsweredAsync(3, Patience);
            await page.GetByLabel("Source").SelectOptionAsync("shop");
            await page.GetByLabel("Destination").SelectOptionAsync("crm");
            await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await page.GetByRole(AriaRole.Button, new() { Name = "Replay all matching…" }).ClickAsync();
            await dialog.GetByLabel("Send to").SelectOptionAsync("billing");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Replay 1" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Replayed 1 of 1 to billing.");

            calls = await billing.WaitForAnsweredAsync(4, Patience);
            Assert.Equal("evt_shop_2:billing", calls[3].Header("Idempotency-Key"));
            Assert.Equal(2, crm.Requests.Count);
            await page.CloseAsync();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
