using Microsoft.Playwright;

namespace Webhooks.Console.Tests.Infrastructure;

/// <summary>
/// Debian's chromium (<c>/usr/bin/chromium</c>, installed by <c>eng/install-chromium.sh</c>) driven by Playwright's
/// .NET driver; never a downloaded browser. Headless, with a fresh profile and every background service that would
/// reach outside hosts switched off.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _profile = Path.Combine(Path.GetTempPath(), "webhooks-chromium-" + Guid.NewGuid().ToString("N")[..12]);
    private IPlaywright? _playwright;

    public IBrowserContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run eng/install-chromium.sh (eng/test.sh does).");
        }

        // The whole suite shares two cores: give the page time to answer rather than fail on a slow machine.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
            ],
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
    }

    /// <summary>A new tab (sessionStorage is per tab, so each starts signed out).</summary>
    public Task<IPage> NewPageAsync() => Context.NewPageAsync();

    public async Task DisposeAsync()
    {
        if (Context is not null)
        {
            await Context.CloseAsync();
        }

        _playwright?.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // The browser may still hold a file for a moment; the temp folder is cleaned eventually.
        }
    }
}
