using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Webhooks.AzureStorage;
using Xunit;

namespace Webhooks.Testing.Azurite;

/// <summary>
/// A private Azurite (queue, blob, table) for a test class or collection: free loopback ports, a temporary data
/// folder, the well-known development account. <see cref="StopAsync"/> and <see cref="StartAsync"/> simulate an
/// outage: the restart uses the same ports and folder, so queued data survives. Disposing kills the process tree
/// and deletes the folder.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AzuritePorts _ports;
    private bool _startedOnce;
    private readonly string _location;
    private AzuriteProcess? _process;

    /// <summary>The emulator's well-known development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's well-known development account key (public, documented; not a secret).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Chooses ports and a data folder; nothing runs until <see cref="InitializeAsync"/>.</summary>
    public AzuriteFixture()
    {
        _ports = AzuritePorts.TakeFree();
        _location = Path.Combine(Path.GetTempPath(), "webhooks-azurite-" + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>The emulator's data folder (its LokiJS databases, e.g. <c>__azurite_db_table__.json</c>).</summary>
    public string Location => _location;

    /// <summary>The queue service port.</summary>
    public int QueuePort => _ports.Queue;

    /// <summary>The blob service port.</summary>
    public int BlobPort => _ports.Blob;

    /// <summary>The table service port.</summary>
    public int TablePort => _ports.Table;

    /// <summary>The queue service endpoint (path-style, account in the first segment).</summary>
    public Uri QueueServiceUri => new($"http://127.0.0.1:{QueuePort}/{AccountName}");

    /// <summary>An explicit connection string for this instance (account key plus queue, blob and table endpoints).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"QueueEndpoint={QueueServiceUri};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>True while the emulator is running.</summary>
    public bool IsRunning => _process is not null;

    /// <summary>This instance as the app resolves it (<c>AzureWebJobsStorage</c> = <see cref="ConnectionString"/>).</summary>
    public StorageConnection Connection =>
        StorageConnection.Resolve(
            new ConfigurationBuilder().AddInMemoryCollection([new(StorageConnection.SettingName, ConnectionString)]).Build(),
            StorageConnection.StandaloneFactory());

    /// <summary>A queue client for this instance, with Shared Key authorization and the app's options (base64 messages) unless given others.</summary>
    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions? options = null) =>
        Connection.CreateQueueServiceClient(options ?? WebhookStorage.QueueOptions(ClientBudget));

    /// <summary>A blob client for this instance, with Shared Key authorization.</summary>
    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions? options = null) =>
        Connection.CreateBlobServiceClient(options ?? WebhookStorage.BlobOptions(ClientBudget));

    /// <summary>Raw queue text, no encoding: what another tool (not this app) would write.</summary>
    public QueueServiceClient CreateRawQueueServiceClient()
    {
        var options = WebhookStorage.QueueOptions(ClientBudget);
        options.MessageEncoding = QueueMessageEncoding.None;
        return Connection.CreateQueueServiceClient(options);
    }

    // Generous: the machine is shared, and tests of outages set their own.
    private static TimeSpan ClientBudget => TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <summary>
    /// Starts the emulator (again) on the same ports and data folder; no-op when running. The first start takes other
    /// free ports if another process bound one of the chosen ones in the meantime.
    /// </summary>
    public async Task StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_process is not null)
            {
                return;
            }

            Directory.CreateDirectory(_location);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    _process = await AzuriteProcess.StartAsync(_ports, _location, CancellationToken.None);
                    _startedOnce = true;
                    return;
                }
                catch (AzuritePortTakenException) when (!_startedOnce && attempt < 3)
                {
                    // Nobody has been given this instance's endpoints yet: other ports are as good. A restart
                    // (outage simulation) keeps its ports, since hosts already hold the connection string.
                    _ports = AzuritePorts.TakeFree();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the emulator cleanly (data is flushed to the folder); the ports then refuse connections.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_process is null)
            {
                return;
            }

            await _process.StopGracefullyAsync();
            _process.Dispose();
            _process = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _process?.Kill();
            _process?.Dispose();
            _process = null;
            TryDeleteLocation();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private void TryDeleteLocation()
    {
        try
        {
            if (Directory.Exists(_location))
            {
                Directory.Delete(_location, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
