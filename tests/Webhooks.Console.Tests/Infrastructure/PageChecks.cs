using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Webhooks.Testing.Azurite;

namespace Webhooks.Console.Tests.Infrastructure;

/// <summary>What every console page is held to (axe: no serious or critical violation), and its screenshot.</summary>
public static class PageChecks
{
    /// <summary>Set to <c>update</c> to write the screenshots into <c>docs/console/</c> as well (see docs/operations.md).</summary>
    public const string UpdateScreenshotsVariable = "WEBHOOKS_CONSOLE_SCREENSHOTS";

    /// <summary>Runs axe-core (shipped in the Deque.AxeCore.Commons package) in the page; fails on serious or critical violations.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(
            serious.Count == 0,
            $"{what}: {serious.Count} serious accessibility violation(s): " +
            string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>Saves a full-page PNG into the test output (and into docs/console/ when asked to).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, name + ".png");

        // The previous action's notice fades by itself after a few seconds; leave it out of the picture.
        await page.EvaluateAsync("() => { document.getElementById('status').textContent = ''; }");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        if (Environment.GetEnvironmentVariable(UpdateScreenshotsVariable) == "update")
        {
            var docs = Path.Combine(RepositoryPaths.Root, "docs", "console");
            Directory.CreateDirectory(docs);
            File.Copy(file, Path.Combine(docs, name + ".png"), overwrite: true);
        }
    }
}
