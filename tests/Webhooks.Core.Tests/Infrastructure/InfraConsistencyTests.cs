using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Webhooks.Configuration;

namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>
/// Checks infra/, the Dockerfile, azure.yaml and host.json against the code, so a rename on either side fails here
/// instead of in a deployment. Bicep is read as the compiler leaves it: the compiled ARM template for declarations
/// (parameters, types, outputs, literals in the modules' nested templates), and <c>bicep snapshot</c>'s expansion of
/// that template for what a deployment creates (queue names, app settings). Module paths and module parameters are
/// not checked here: the compile (eng/check-infra.sh, and this fixture) already fails on them.
/// </summary>
public class InfraConsistencyTests(CompiledInfraFixture infra) : IClassFixture<CompiledInfraFixture>
{
    private const string QueueType = "Microsoft.Storage/storageAccounts/queueServices/queues";
    private const string SiteType = "Microsoft.Web/sites";
    private const string AppSettingsType = "Microsoft.Web/sites/config";
    private const string ContainerAppType = "Microsoft.App/containerApps";
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    // The connection both the Functions host and the engine read (README); identity-based as AzureWebJobsStorage__*.
    private const string StorageConnection = "AzureWebJobsStorage";

    private const string Functions = "functions";
    private const string ContainerApp = "containerapp";

    private static readonly QueueNamesOptions QueueDefaults = new();

    // The Functions app's delivery triggers, by function name: DeliverWebhook for queue 0, DeliverWebhook1 …
    // DeliverWebhook7 for the others (src/Webhooks.Functions/DeliverWebhook.cs). Literals because Core.Tests cannot
    // reference the Functions executable; FunctionsTriggerCount_IsTheFunctionsAppsWiredQueueCount ties the count to it;
    // tests/Webhooks.Functions.Tests checks the names against the built app's functions.metadata.
    private const int FunctionsDeliveryTriggers = 8;

    private static string DeliveryTriggerName(int queueIndex) =>
        queueIndex == 0 ? "DeliverWebhook" : string.Create(CultureInfo.InvariantCulture, $"DeliverWebhook{queueIndex}");

    /// <summary>Delivery queue names as the engine derives them (QueueNamesOptions.DeliveryQueueName).</summary>
    private static List<string> DeliveryQueues(int count) =>
        [.. Enumerable.Range(0, count).Select(QueueDefaults.DeliveryQueueName)];

    [Theory]
    [InlineData(Functions, 1)]
    [InlineData(Functions, CompiledInfraFixture.ScaledQueueCount)]
    [InlineData(ContainerApp, 1)]
    [InlineData(ContainerApp, CompiledInfraFixture.ScaledQueueCount)]
    public void CreatedQueues_AreEachDeliveryQueueItsPoisonTwinAndTheDeadLetterQueue(string host, int count)
    {
        // The Functions host moves a message it failed to process maxDequeueCount times to '<queue>-poison'.
        var deliveries = DeliveryQueues(count);
        string[] expected = [.. deliveries, .. deliveries.Select(queue => $"{queue}-poison"), QueueDefaults.DeadLetter];

        Assert.Equal(expected.Order(StringComparer.Ordinal), CreatedQueues(Snapshot(host, count)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Functions, 1)]
    [InlineData(Functions, CompiledInfraFixture.ScaledQueueCount)]
    [InlineData(ContainerApp, 1)]
    [InlineData(ContainerApp, CompiledInfraFixture.ScaledQueueCount)]
    public void QueueSettings_NameTheCodeDefaultsAndTheCount_WhichAreCreated(string host, int count)
    {
        var settings = Settings(host, count);
        var created = CreatedQueues(Snapshot(host, count)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(QueueDefaults.Deliveries, (string?)settings["Webhooks__Queues__Deliveries"]);
        Assert.Equal(QueueDefaults.DeadLetter, (string?)settings["Webhooks__Queues__DeadLetter"]);
        Assert.Equal(count.ToString(CultureInfo.InvariantCulture), (string?)settings["Webhooks__Queues__Count"]);

        // Every queue the engine derives from these settings exists before the first message.
        HashSet<string> derived = [.. DeliveryQueues(count), (string)settings["Webhooks__Queues__DeadLetter"]!];
        Assert.Subset(created, derived);
    }

    [Fact]
    public void DeliveryQueueCountParameter_DefaultsToOneAndStopsAtTheFunctionsTriggers()
    {
        var parameter = infra.Template.Parameters["deliveryQueueCount"];

        Assert.True(parameter is not null, "main.bicep declares no deliveryQueueCount parameter.");
        Assert.Equal("int", (string?)parameter["type"]);
        Assert.Equal(QueueDefaults.Count, (int?)parameter["defaultValue"]);
        Assert.Equal(1, (int?)parameter["minValue"]);

        // A higher count stops the Functions app at start; the Kestrel host alone could go to QueueNamesOptions.MaxCount.
        Assert.Equal(FunctionsDeliveryTriggers, (int?)parameter["maxValue"]);
        Assert.InRange(FunctionsDeliveryTriggers, 1, QueueNamesOptions.MaxCount);
    }

    [Fact]
    public void ParametersFile_TakesTheQueueCountFromAnAzdVariableDefaultingToOne()
    {
        using var parameters = JsonDocument.Parse(RepositoryFiles.Read("infra/main.parameters.json"));
        var value = parameters.RootElement.GetProperty("parameters").GetProperty("deliveryQueueCount").GetProperty("value").GetString();

        // azd substitutes the variable (or the default after '=') and converts the text to the int parameter's type.
        var placeholder = Regex.Match(value ?? string.Empty, @"^\$\{WEBHOOKS_DELIVERY_QUEUE_COUNT=(\d+)\}$");
        Assert.True(placeholder.Success, $"deliveryQueueCount is '{value}', not ${{WEBHOOKS_DELIVERY_QUEUE_COUNT=<n>}}.");
        Assert.Equal((int?)infra.Template.Parameters["deliveryQueueCount"]?["defaultValue"], int.Parse(placeholder.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void FunctionsTriggerCount_IsTheFunctionsAppsWiredQueueCount()
    {
        // Textual by necessity (see FunctionsDeliveryTriggers): the one constant the literals above stand for.
        var source = RepositoryFiles.Read("src/Webhooks.Functions/DeliverWebhook.cs");
        var wired = Regex.Match(source, @"public const int WiredQueueCount = (\d+);");

        Assert.True(wired.Success, "src/Webhooks.Functions/DeliverWebhook.cs declares no WiredQueueCount.");
        Assert.Equal(FunctionsDeliveryTriggers, int.Parse(wired.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(CompiledInfraFixture.ScaledQueueCount)]
    public void FunctionApp_DisablesExactlyTheDeliveryTriggersPastTheCount(int count)
    {
        var settings = Settings(Functions, count);
        var expected = Enumerable.Range(count, FunctionsDeliveryTriggers - count)
            .Select(index => $"AzureWebJobs.{DeliveryTriggerName(index)}.Disabled");

        var disabled = settings.Where(s => s.Key.StartsWith("AzureWebJobs.", StringComparison.Ordinal)).ToList();

        Assert.Equal(expected.Order(StringComparer.Ordinal), disabled.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.All(disabled, s => Assert.Equal("true", (string?)s.Value));
    }

    [Fact]
    public async Task FunctionApp_WithEveryTriggerInUse_DisablesNone()
    {
        var snapshot = await infra.SnapshotAsync(
            "functions-all-triggers",
            $"{CompiledInfraFixture.FunctionsParameters}\nparam deliveryQueueCount = {FunctionsDeliveryTriggers}",
            CancellationToken.None);
        var settings = snapshot.Single(AppSettingsType)["properties"]!.AsObject();

        Assert.Equal(FunctionsDeliveryTriggers.ToString(CultureInfo.InvariantCulture), (string?)settings["Webhooks__Queues__Count"]);
        Assert.DoesNotContain(settings, s => s.Key.StartsWith("AzureWebJobs.", StringComparison.Ordinal));
        Assert.Equal(FunctionsDeliveryTriggers * 2 + 1, CreatedQueues(snapshot).Count());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(CompiledInfraFixture.ScaledQueueCount)]
    public void ContainerScaleRules_WatchEveryDeliveryQueue(int count)
    {
        var snapshot = Snapshot(ContainerApp, count);
        var rules = ContainerAppResource(snapshot)["properties"]!["template"]!["scale"]!["rules"]!.AsArray().Select(rule => rule!).ToList();
        var queueRules = rules.Where(rule => rule["azureQueue"] is not null).Select(rule => rule["azureQueue"]!).ToList();
        var account = Name(snapshot.Single("Microsoft.Storage/storageAccounts"));
        var identity = Assert.Single(ContainerAppResource(snapshot)["identity"]!["userAssignedIdentities"]!.AsObject()).Key;

        Assert.Equal(DeliveryQueues(count), queueRules.Select(rule => (string?)rule["queueName"]));
        Assert.All(queueRules, rule => Assert.Equal(account, (string?)rule["accountName"]));
        Assert.All(queueRules, rule => Assert.Equal(identity, (string?)rule["identity"]));

        // Container Apps refuses a revision whose rule names repeat; intake still scales on HTTP concurrency.
        Assert.Equal(rules.Count, rules.Select(rule => (string?)rule["name"]).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(rules, rule => rule["http"] is not null);
    }

    [Theory]
    [InlineData(Functions)]
    [InlineData(ContainerApp)]
    public void WebhooksSettingNames_BindToPropertiesOfWebhooksOptions(string host)
    {
        var names = Settings(host).Keys.Where(name => name.StartsWith($"{WebhooksOptions.SectionName}__", StringComparison.Ordinal)).ToList();
        var source = CompiledInfraFixture.SampleSource;

        // Exactly what a deployment with one rotating source sets; also proves the snapshot held settings at all.
        Assert.Equal(
            new[]
            {
                "Webhooks__Admin__ApiKeys__0",
                "Webhooks__Queues__Count",
                "Webhooks__Queues__DeadLetter",
                "Webhooks__Queues__Deliveries",
                $"Webhooks__Sources__{source}__Secrets__0",
                $"Webhooks__Sources__{source}__Secrets__1",
                $"Webhooks__Sources__{source}__Target__Url",
                $"Webhooks__Sources__{source}__Verification",
            },
            names.Order(StringComparer.Ordinal));
        Assert.All(names, name => AssertBindsToScalarProperty(name));
    }

    [Theory]
    [InlineData("Webhooks__Queues__Deliveries")]
    [InlineData("Webhooks__Queues__Count")]
    [InlineData("Webhooks__Sources__shop__Secrets__1")]
    [InlineData("Webhooks__Sources__shop__Target__Url")]
    public void SettingNameWalker_AcceptsRealOptionPaths(string name) => AssertBindsToScalarProperty(name);

    [Theory]
    [InlineData("Webhooks__Queues__Delivery")]
    [InlineData("Webhooks__Sources__shop__Secret__0")]
    [InlineData("Webhooks__Sources__shop__Target")]
    [InlineData("Webhooks__Admin__ApiKeys__first")]
    [InlineData("Hooks__Queues__Deliveries")]
    public void SettingNameWalker_RejectsPathsTheBinderWouldIgnore(string name) =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertBindsToScalarProperty(name));

    [Theory]
    [InlineData(Functions)]
    [InlineData(ContainerApp)]
    public void StorageSettings_AreAnIdentityConnectionUnderTheNameTheCodeReads(string host)
    {
        var settings = Settings(host);
        var suffixes = settings.Keys
            .Where(name => name.StartsWith($"{StorageConnection}__", StringComparison.Ordinal))
            .Select(name => name[(StorageConnection.Length + 2)..])
            .ToHashSet(StringComparer.Ordinal);

        // What the engine's storage clients and the Functions host understand for an identity-based connection.
        string[] understood = ["credential", "clientId", "accountName", "queueServiceUri", "blobServiceUri", "tableServiceUri"];
        Assert.Subset(understood.ToHashSet(StringComparer.Ordinal), suffixes);
        Assert.Contains("queueServiceUri", suffixes);
        Assert.Contains("blobServiceUri", suffixes);
        Assert.Equal("managedidentity", (string?)settings[$"{StorageConnection}__credential"]);
        Assert.DoesNotContain(StorageConnection, settings.Keys); // a connection string: shared keys are disabled

        // A user-assigned identity (the Container App's) is only found by its client id.
        Assert.Equal(host == ContainerApp, suffixes.Contains("clientId"));
    }

    [Fact]
    public void FunctionAppSettings_LeaveTheRuntimeToFunctionAppConfig()
    {
        // Flex Consumption rejects both: the runtime comes from functionAppConfig.runtime.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", Settings(Functions).Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", Settings(Functions).Keys);
    }

    [Fact]
    public void FunctionsRuntimeVersion_EqualsTheTargetFramework()
    {
        // A literal in function-app.bicep's nested template: exact in the compiled JSON.
        var (template, site) = Assert.Single(
            infra.Template.ResourcesOfType(SiteType),
            found => found.Resource["properties"]?["functionAppConfig"] is not null);
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"];

        Assert.True(runtime is not null, $"{template.Path}: the Function App declares no functionAppConfig.runtime.");
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal(TargetDotnetVersion(), (string?)runtime["version"]);
    }

    [Fact]
    public void IntakeUrlOutput_UsesTheHttpRoutePrefix()
    {
        var expectedPath = "/api/webhooks/{source}";
        using var hostJson = JsonDocument.Parse(
            RepositoryFiles.Read("host.json"),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (hostJson.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var routePrefix))
        {
            var prefix = routePrefix.GetString() ?? string.Empty;
            expectedPath = prefix.Length == 0 ? "/webhooks/{source}" : $"/{prefix}/webhooks/{{source}}";
        }

        var output = (string?)infra.Template.Outputs["WEBHOOKS_INTAKE_URL_TEMPLATE"]?["value"];

        // Textual by necessity: the host name exists only after deployment, so even the snapshot keeps this an
        // expression. The format string is its exact literal part (ARM doubles literal braces).
        var literal = $"https://{{0}}{expectedPath.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)}";
        Assert.True(output is not null, "main.bicep has no WEBHOOKS_INTAKE_URL_TEMPLATE output.");
        Assert.Contains($"format('{literal}', ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_TheToolsRead_NameTheCreatedResources()
    {
        // docs/deploy.md reads these with `azd env get-value`.
        string[] read = ["AZURE_FUNCTION_APP_NAME", "AZURE_KEY_VAULT_NAME", "AZURE_STORAGE_ACCOUNT_NAME", "WEBHOOKS_INTAKE_URL_TEMPLATE"];
        Assert.All(read, name => Assert.Equal("string", (string?)infra.Template.Outputs[name]?["type"]));

        var outputs = infra.Functions.Outputs;
        Assert.Equal(Name(infra.Functions.Single(SiteType)), (string?)outputs["AZURE_FUNCTION_APP_NAME"]);
        Assert.Equal(Name(infra.Functions.Single("Microsoft.KeyVault/vaults")), (string?)outputs["AZURE_KEY_VAULT_NAME"]);
        Assert.Equal(Name(infra.Functions.Single("Microsoft.Storage/storageAccounts")), (string?)outputs["AZURE_STORAGE_ACCOUNT_NAME"]);
        Assert.Equal(Name(ContainerAppResource()), (string?)infra.ContainerApp.Outputs["AZURE_CONTAINER_APP_NAME"]);
    }

    [Fact]
    public void ParametersFile_SetsOnlyDeclaredParamsAndEveryRequiredOne()
    {
        var declared = infra.Template.Parameters;
        using var parameters = JsonDocument.Parse(RepositoryFiles.Read("infra/main.parameters.json"));
        var names = parameters.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();

        // Required in ARM terms: neither a default nor nullable (a Bicep `string?`).
        var required = declared
            .Where(p => p.Value!["defaultValue"] is null && p.Value["nullable"]?.GetValue<bool>() != true)
            .Select(p => p.Key)
            .ToList();

        Assert.Contains("environmentName", required);
        Assert.All(names, name => Assert.True(declared.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare."));
        Assert.All(required, name => Assert.Contains(name, names));

        // Secrets never travel as deployment parameters: they are set in Key Vault by the operator.
        Assert.All(declared, p => Assert.DoesNotMatch("(?i)^secure", (string?)p.Value!["type"] ?? string.Empty));
    }

    [Fact]
    public void SourceVerificationChoices_AreTheCodeSchemesExceptNone()
    {
        var sourceType = (string?)infra.Template.Parameters["sources"]?["items"]?["$ref"];
        Assert.Equal("#/definitions/sourceConfig", sourceType);
        var allowed = infra.Template.Definitions["sourceConfig"]?["properties"]?["verification"]?["allowedValues"]?.AsArray();
        Assert.True(allowed is not null, "sourceConfig.verification has no allowed values.");

        var offered = allowed.Select(value => (string)value!).ToHashSet(StringComparer.Ordinal);
        var expected = VerificationSchemes.All.Where(s => s != VerificationSchemes.None).ToHashSet(StringComparer.Ordinal);

        Assert.True(expected.SetEquals(offered), $"Bicep offers [{string.Join(", ", offered)}]; the code knows [{string.Join(", ", expected)}].");
    }

    [Fact]
    public void AzdService_IsTheFunctionAppTheBicepTags()
    {
        var azureYaml = RepositoryFiles.Read("azure.yaml");
        var service = Regex.Match(azureYaml, @"^services:\s*\n\s+(\w+):\s*\n\s+project:\s*(\S+)\s*\n\s+language:\s*(\S+)\s*\n\s+host:\s*(\S+)", RegexOptions.Multiline);
        Assert.True(service.Success, "azure.yaml declares no service.");
        Assert.Equal("dotnet", service.Groups[3].Value);
        Assert.Equal("function", service.Groups[4].Value);

        // azd finds the app to publish to by its azd-service-name tag.
        Assert.Equal(service.Groups[1].Value, (string?)infra.Functions.Single(SiteType)["tags"]?["azd-service-name"]);

        // azure.yaml must point at the Functions project the solution holds (issue 4's src/Webhooks.Functions until it lands).
        var inSolution = Regex.Match(RepositoryFiles.Read("Webhooks.sln"), @"""([^""]*Webhooks\.Functions)[\\/]Webhooks\.Functions\.csproj""");
        var expected = inSolution.Success ? inSolution.Groups[1].Value.Replace('\\', '/') : "src/Webhooks.Functions";
        Assert.Equal(expected, service.Groups[2].Value.TrimStart('.', '/'));
    }

    [Fact]
    public void Dockerfile_BuildsTheServerProjectOnTheTargetFramework()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        var version = TargetDotnetVersion();

        Assert.Matches($@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:{Regex.Escape(version)} AS build\s*$", dockerfile);
        Assert.Matches($@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:{Regex.Escape(version)}\b", dockerfile);

        var publish = Regex.Match(dockerfile, @"dotnet publish (\S+\.csproj)");
        Assert.True(publish.Success, "Dockerfile publishes no project.");
        var project = publish.Groups[1].Value;
        Assert.Equal("src/Webhooks.Server/Webhooks.Server.csproj", project);
        Assert.True(File.Exists(RepositoryFiles.PathOf(project)), $"{project} does not exist.");

        var assembly = XDocument.Load(RepositoryFiles.PathOf(project)).Descendants("AssemblyName").FirstOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(project);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER \$APP_UID\s*$", dockerfile);
    }

    [Fact]
    public void Dockerfile_CopiesEveryProjectTheServerReferencesBeforeRestore()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        var restoreAt = dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        Assert.True(restoreAt > 0, "Dockerfile has no restore step.");
        var beforeRestore = dockerfile[..restoreAt];

        var projects = ProjectClosure("src/Webhooks.Server/Webhooks.Server.csproj");

        Assert.Contains("src/Webhooks.Core/Webhooks.Core.csproj", projects);
        Assert.All(projects, p => Assert.Matches($@"(?m)^COPY {Regex.Escape(p)} {Regex.Escape(Path.GetDirectoryName(p)!.Replace('\\', '/'))}/\s*$", beforeRestore));
        Assert.Matches(@"(?m)^COPY global\.json Directory\.Build\.props Directory\.Packages\.props \./\s*$", beforeRestore);
    }

    [Fact]
    public void ContainerPort_IsTheOneTheDockerfileExposes()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        var exposed = Regex.Match(dockerfile, @"(?m)^EXPOSE (\d+)\s*$");
        Assert.True(exposed.Success, "The Dockerfile exposes no port.");
        var port = int.Parse(exposed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        var properties = ContainerAppResource()["properties"]!;
        Assert.Equal(port, (int?)properties["configuration"]?["ingress"]?["targetPort"]);
        var probes = properties["template"]!["containers"]!.AsArray().SelectMany(c => c!["probes"]!.AsArray()).ToList();
        Assert.NotEmpty(probes);
        Assert.All(probes, probe => Assert.Equal(port, (int?)probe!["httpGet"]?["port"]));
        Assert.Contains($"Urls=http://+:{port}", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerProbes_CallTheHealthEndpointTheServerMaps()
    {
        // Textual: Core.Tests cannot reference Webhooks.Hosting. A wrong path fails every probe and the revision never
        // becomes ready.
        var routes = RepositoryFiles.Read("src/Webhooks.Hosting/WebhooksEndpointRouteBuilderExtensions.cs");
        var group = Regex.Match(routes, @"MapGroup\(""(/[^""]*)""\)");
        var health = Regex.Match(routes, @"\.Map\(""(/health)"",\s*HttpHealth\.HandleAsync\)");
        Assert.True(group.Success && health.Success, "WebhooksEndpointRouteBuilderExtensions maps no <group>/health route.");
        var path = group.Groups[1].Value + health.Groups[1].Value;

        var probes = ContainerAppResource()["properties"]!["template"]!["containers"]!.AsArray().SelectMany(c => c!["probes"]!.AsArray()).ToList();
        Assert.NotEmpty(probes);
        Assert.All(probes, probe => Assert.Equal(path, (string?)probe!["httpGet"]?["path"]));
    }

    [Fact]
    public void ContainerSecretSettings_ReferenceDeclaredKeyVaultSecrets()
    {
        var configuration = ContainerAppResource()["properties"]!["configuration"]!;
        var declared = configuration["secrets"]!.AsArray().Select(s => (string)s!["name"]!).ToHashSet(StringComparer.Ordinal);
        var referenced = ContainerEnvironment().Where(e => e["secretRef"] is not null).ToList();

        // The admin key and the sample source's two secrets; Container Apps refuses a revision naming a missing secret.
        Assert.Equal(3, referenced.Count);
        Assert.All(referenced, e => Assert.Contains((string)e["secretRef"]!, declared));
    }

    [Fact]
    public void ContainerApp_FromARegistry_PullsWithItsIdentity()
    {
        var app = ContainerAppResource();
        var identity = Assert.Single(app["identity"]!["userAssignedIdentities"]!.AsObject()).Key;

        var registry = Assert.Single(app["properties"]!["configuration"]!["registries"]!.AsArray())!;
        Assert.Equal(identity, (string?)registry["identity"]);

        // AcrPull (a built-in role id), assigned in the registry's own subscription.
        Assert.Contains(
            infra.ContainerApp.OfType(RoleAssignmentType),
            role => (string?)role["properties"]?["roleDefinitionId"]
                == "/subscriptions/00000000-0000-0000-0000-00000000000c/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d");
    }

    [Fact]
    public async Task ContainerApp_WithAPublicImage_Expands()
    {
        // ARM evaluates a skipped module's scope as well, so the registry module must not split an empty id.
        var snapshot = await infra.SnapshotAsync(
            "containerapp-public",
            """
            param deployTarget = 'containerapp'
            param containerImage = 'registry.example.test/webhooks-server:1.0.0'
            """,
            CancellationToken.None);

        var app = snapshot.Single(ContainerAppType);
        Assert.Equal("registry.example.test/webhooks-server:1.0.0", (string?)app["properties"]!["template"]!["containers"]![0]!["image"]);
        Assert.Empty(app["properties"]!["configuration"]!["registries"]!.AsArray());
    }

    private static void AssertBindsToScalarProperty(string settingName)
    {
        var segments = settingName.Split("__");
        Assert.Equal(WebhooksOptions.SectionName, segments[0]);

        var type = typeof(WebhooksOptions);
        foreach (var segment in segments.Skip(1))
        {
            if (DictionaryValueType(type) is { } valueType)
            {
                type = valueType; // any key, e.g. a source name
            }
            else if (ListElementType(type) is { } elementType)
            {
                Assert.Matches(@"^\d+$", segment);
                type = elementType;
            }
            else
            {
                var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                Assert.True(property is { CanWrite: true }, $"{settingName}: {type.Name} has no settable property '{segment}'.");
                type = Nullable.GetUnderlyingType(property!.PropertyType) ?? property.PropertyType;
            }
        }

        Assert.True(type == typeof(string) || type.IsValueType, $"{settingName} names a section ({type.Name}), not a value.");
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    private static Type? ListElementType(Type type) =>
        type != typeof(string) && type.IsGenericType && typeof(IList).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;

    private static string TargetDotnetVersion()
    {
        var framework = XDocument.Load(RepositoryFiles.PathOf("Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        var version = Regex.Match(framework, @"^net(\d+\.\d+)$");
        Assert.True(version.Success, $"Unexpected TargetFramework '{framework}'.");
        return version.Groups[1].Value;
    }

    private static List<string> ProjectClosure(string project)
    {
        var found = new List<string>();
        var pending = new Queue<string>([project]);
        while (pending.TryDequeue(out var current))
        {
            if (found.Contains(current))
            {
                continue;
            }

            found.Add(current);
            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(RepositoryFiles.PathOf(current)).Descendants("ProjectReference"))
            {
                var relative = Path.GetRelativePath(RepositoryFiles.Root, RepositoryFiles.PathOf(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
                pending.Enqueue(relative.Replace('\\', '/'));
            }
        }

        return found;
    }

    /// <summary>The fixture's snapshot of one host with 1 or <see cref="CompiledInfraFixture.ScaledQueueCount"/> delivery queues.</summary>
    private DeploymentSnapshot Snapshot(string host, int queueCount) => (host, queueCount) switch
    {
        (Functions, 1) => infra.Functions,
        (Functions, CompiledInfraFixture.ScaledQueueCount) => infra.FunctionsScaled,
        (ContainerApp, 1) => infra.ContainerApp,
        (ContainerApp, CompiledInfraFixture.ScaledQueueCount) => infra.ContainerAppScaled,
        _ => throw new ArgumentOutOfRangeException(nameof(host), $"{host} with {queueCount} queues", "The fixture has no such snapshot."),
    };

    /// <summary>The settings one host receives, by name: the Function App's app settings or the container's env.</summary>
    private Dictionary<string, JsonNode?> Settings(string host, int queueCount = 1) => host switch
    {
        Functions => Snapshot(host, queueCount).Single(AppSettingsType)["properties"]!.AsObject()
            .ToDictionary(setting => setting.Key, setting => setting.Value, StringComparer.Ordinal),
        ContainerApp => ContainerEnvironment(Snapshot(host, queueCount))
            .ToDictionary(e => (string)e["name"]!, e => e["value"] ?? e["secretRef"], StringComparer.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(host), host, null),
    };

    private List<JsonNode> ContainerEnvironment() => ContainerEnvironment(infra.ContainerApp);

    private static List<JsonNode> ContainerEnvironment(DeploymentSnapshot snapshot) =>
        [.. ContainerAppResource(snapshot)["properties"]!["template"]!["containers"]!.AsArray().SelectMany(c => c!["env"]!.AsArray()).Select(e => e!)];

    private JsonObject ContainerAppResource() => ContainerAppResource(infra.ContainerApp);

    private static JsonObject ContainerAppResource(DeploymentSnapshot snapshot) => snapshot.Single(ContainerAppType);

    /// <summary>The queue names a deployment creates (the last segment of account/default/queue).</summary>
    private static IEnumerable<string> CreatedQueues(DeploymentSnapshot snapshot) =>
        snapshot.OfType(QueueType).Select(queue => Name(queue).Split('/')[^1]);

    private static string Name(JsonObject resource) => (string?)resource["name"] ?? string.Empty;
}
