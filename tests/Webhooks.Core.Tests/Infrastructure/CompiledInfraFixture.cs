namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>
/// Compiles infra/main.bicep once for the infra tests (or reuses artifacts/infra/main.json from eng/check-infra.sh
/// when it is newer than every Bicep file), then snapshots one deployment per host with <see cref="SampleSource"/>.
/// Missing CLI or a failing compile fails every test that uses it, with the CLI's message; nothing is skipped.
/// </summary>
public sealed class CompiledInfraFixture : IAsyncLifetime
{
    /// <summary>The one webhook source the snapshots deploy, rotating its secret so both secret settings appear.</summary>
    public const string SampleSource = "shop";

    private const string CompiledArtifact = "artifacts/infra/main.json";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("webhooks-infra-");

    internal ArmTemplate Template { get; private set; } = null!;

    /// <summary>deployTarget 'functions' (the default).</summary>
    internal DeploymentSnapshot Functions { get; private set; } = null!;

    /// <summary>deployTarget 'containerapp' with an image in a registry the app pulls from (docs/deploy.md's steps).</summary>
    internal DeploymentSnapshot ContainerApp { get; private set; } = null!;

    /// <summary>The deliveryQueueCount of <see cref="FunctionsScaled"/> and <see cref="ContainerAppScaled"/>.</summary>
    public const int ScaledQueueCount = 3;

    /// <summary><see cref="Functions"/> with <see cref="ScaledQueueCount"/> delivery queues.</summary>
    internal DeploymentSnapshot FunctionsScaled { get; private set; } = null!;

    /// <summary><see cref="ContainerApp"/> with <see cref="ScaledQueueCount"/> delivery queues.</summary>
    internal DeploymentSnapshot ContainerAppScaled { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // xunit 2 hands fixtures no token; BicepCli bounds every run itself.
        var cancellationToken = CancellationToken.None;
        var templatePath = Path.Combine(_work.FullName, "main.json");
        await CompileAsync(templatePath, cancellationToken);
        Template = ArmTemplate.Parse(await File.ReadAllTextAsync(templatePath, cancellationToken));

        // The default deliveryQueueCount (1) for the plain snapshots: what a deployment gets without setting it.
        Functions = await SnapshotAsync("functions", FunctionsParameters, cancellationToken);
        ContainerApp = await SnapshotAsync("containerapp", ContainerAppParameters, cancellationToken);
        var scaled = $"param deliveryQueueCount = {ScaledQueueCount}";
        FunctionsScaled = await SnapshotAsync("functions-scaled", $"{FunctionsParameters}\n{scaled}", cancellationToken);
        ContainerAppScaled = await SnapshotAsync("containerapp-scaled", $"{ContainerAppParameters}\n{scaled}", cancellationToken);
    }

    /// <summary>The .bicepparam lines of <see cref="Functions"/>.</summary>
    internal const string FunctionsParameters = "param deployTarget = 'functions'";

    /// <summary>The .bicepparam lines of <see cref="ContainerApp"/>.</summary>
    internal const string ContainerAppParameters =
        """
        param deployTarget = 'containerapp'
        param containerImage = 'acrinfratest.azurecr.io/webhooks-server:1.0.0'
        param containerRegistryResourceId = '/subscriptions/00000000-0000-0000-0000-00000000000c/resourceGroups/rg-registry/providers/Microsoft.ContainerRegistry/registries/acrinfratest'
        """;

    public Task DisposeAsync()
    {
        _work.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private static async Task CompileAsync(string templatePath, CancellationToken cancellationToken)
    {
        var artifact = new FileInfo(RepositoryFiles.PathOf(CompiledArtifact));
        var newestBicep = Directory.GetFiles(RepositoryFiles.PathOf("infra"), "*.bicep", SearchOption.AllDirectories)
            .Max(File.GetLastWriteTimeUtc);
        if (artifact.Exists && artifact.LastWriteTimeUtc > newestBicep)
        {
            artifact.CopyTo(templatePath);
            return;
        }

        await BicepCli.RunAsync(
            ["build", RepositoryFiles.PathOf("infra/main.bicep"), "--outfile", templatePath],
            RepositoryFiles.Root,
            cancellationToken);
    }

    /// <summary>Snapshots the compiled template with <see cref="SampleSource"/> and the given main.bicep params.</summary>
    /// <param name="name">A file name for this snapshot, unique within the fixture.</param>
    /// <param name="targetParameters">.bicepparam lines, e.g. <c>param deployTarget = 'functions'</c>.</param>
    internal async Task<DeploymentSnapshot> SnapshotAsync(string name, string targetParameters, CancellationToken cancellationToken)
    {
        // A .bicepparam may name a compiled JSON template; the snapshot then expands exactly what was compiled.
        var parametersFile = Path.Combine(_work.FullName, $"{name}.bicepparam");
        await File.WriteAllTextAsync(
            parametersFile,
            $$"""
            using './main.json'

            param environmentName = 'infratest'
            param location = 'westeurope'
            {{targetParameters}}
            param sources = [
              {
                name: '{{SampleSource}}'
                verification: 'github'
                targetUrl: 'https://target.example.test/hooks'
                secretName: 'shop-secret'
                nextSecretName: 'shop-secret-next'
              }
            ]
            """,
            cancellationToken);

        // Fixed fake ids: the snapshot is computed locally and never contacts Azure.
        await BicepCli.RunAsync(
            [
                "snapshot", parametersFile, "--mode", "overwrite",
                "--tenant-id", "00000000-0000-0000-0000-00000000000a",
                "--subscription-id", "00000000-0000-0000-0000-00000000000b",
                "--location", "westeurope",
            ],
            _work.FullName,
            cancellationToken);

        var snapshotFile = Path.ChangeExtension(parametersFile, ".snapshot.json");
        return DeploymentSnapshot.Parse(await File.ReadAllTextAsync(snapshotFile, cancellationToken));
    }
}
