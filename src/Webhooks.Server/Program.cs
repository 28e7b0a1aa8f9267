using Webhooks.Hosting;
using Webhooks.Hosting.Console;
using Webhooks.Server;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddWebhooks(builder.Configuration);

var app = builder.Build();
app.MapWebhooks();
app.MapWebhooksConsole();
app.MapDevelopmentEcho();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
