namespace Webhooks.Server;

/// <summary>
/// A target for local runs: accepts what the delivery worker forwards and logs its size and id, so a first
/// delivery can be followed end to end without another service. Mapped only in Development.
/// </summary>
internal static class DevelopmentEcho
{
    public static void MapDevelopmentEcho(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return;
        }

        app.MapPost("/api/dev/echo", async (HttpRequest request, ILogger<Program> logger, CancellationToken cancellationToken) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            logger.LogInformation("Echo target received delivery {DeliveryId}: {Bytes} bytes of {ContentType}",
                request.Headers["Idempotency-Key"].ToString(), buffer.Length, request.ContentType);
            return Results.Ok(new { received = buffer.Length });
        });
    }
}
