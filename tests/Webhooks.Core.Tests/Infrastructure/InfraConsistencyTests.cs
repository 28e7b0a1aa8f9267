using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Webhooks.Configuration;
using Webhooks.AzureStorage;

namespace Webhooks.Core.Tests.Infrastructure;

/// <summary>
/// Reads infra/, the Dockerfile, azure.yaml and host.json as text and checks them against the code, so a rename on
/// either side fails here instead of in a deployment.
/// </summary>
public partial class InfraConsistencyTests
{
    private const string MainBicep = "infra/main.bicep";
    private const string FunctionAppBicep = "infra/app/function-app.bicep";
    private const string ContainerAppBicep = "infra/app/container-app.bicep";

    private static readonly Lazy<IReadOnlyList<BicepFile>> AllBicepFiles = new(() =>
        [.. Directory.GetFiles(RepositoryFiles.PathOf("infra"), "*.bicep", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => BicepFile.Load(Path.GetRelativePath(RepositoryFiles.Root, path)))]);

    [Fact]
    public void QueueNames_InMainBicep_EqualTheCodeDefaultsPlusThePoisonQueue()
    {
        var defaults = new QueueNamesOptions();
        var main = BicepFile.Load(MainBicep);

        Assert.Equal(defaults.Deliveries, StringVariable(main, "deliveriesQueueName"));
        Assert.Equal(defaults.DeadLetter, StringVariable(main, "deadLetterQueueName"));
        Assert.Equal("${deliveriesQueueName}-poison", StringVariable(main, "poisonQueueName"));

        var created = Identifiers(Module(main, "storage").Params["queueNames"]);
        Assert.Equal(new[] { "deadLetterQueueName", "deliveriesQueueName", "poisonQueueName" }, created.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void QueueSettings_InMainBicep_PointAtTheCreatedQueues()
    {
        var main = BicepFile.Load(MainBicep);

        Assert.Matches(@"\n\s*Webhooks__Queues__Deliveries:\s*deliveriesQueueName\s*\n", main.Text);
        Assert.Matches(@"\n\s*Webhooks__Queues__DeadLetter:\s*deadLetterQueueName\s*\n", main.Text);
        Assert.Equal("deliveriesQueueName", Module(main, "containerApp").Params["deliveriesQueueName"]);
    }

    [Fact]
    public void WebhooksSettingNames_InBicep_BindToPropertiesOfWebhooksOptions()
    {
        var names = AllBicepFiles.Value
            .SelectMany(file => WebhooksSettingPattern().Matches(file.Text).Select(m => m.Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // The settings this deployment must set; also proves the scan found something.
        Assert.Contains("Webhooks__Queues__Deliveries", names);
        Assert.Contains("Webhooks__Queues__DeadLetter", names);
        Assert.Contains("Webhooks__Admin__ApiKeys__0", names);
        Assert.Contains("Webhooks__Sources__${source.name}__Verification", names);
        Assert.Contains("Webhooks__Sources__${source.name}__Secrets__0", names);
        Assert.Contains("Webhooks__Sources__${source.name}__Target__Url", names);

        Assert.All(names, name => AssertBindsToScalarProperty(name));
    }

    [Theory]
    [InlineData("Webhooks__Queues__Deliveries")]
    [InlineData("Webhooks__Sources__shop__Secrets__1")]
    [InlineData("Webhooks__Sources__${source.name}__Target__Url")]
    public void SettingNameWalker_AcceptsRealOptionPaths(string name) => AssertBindsToScalarProperty(name);

    [Theory]
    [InlineData("Webhooks__Queues__Delivery")]
    [InlineData("Webhooks__Sources__shop__Secret__0")]
    [InlineData("Webhooks__Sources__shop__Target")]
    [InlineData("Webhooks__Admin__ApiKeys__first")]
    [InlineData("Hooks__Queues__Deliveries")]
    public void SettingNameWalker_RejectsPathsTheBinderWouldIgnore(string name) =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertBindsToScalarProperty(name));

    [Fact]
    public void StorageSettings_UseTheConnectionNameTheCodeReads()
    {
        Assert.Equal("AzureWebJobsStorage", StorageConnection.SettingName);

        var suffixes = AllBicepFiles.Value
            .SelectMany(file => StorageSettingPattern().Matches(file.Text).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        // What StorageConnection and the Functions host understand for an identity-based connection.
        string[] understood = ["credential", "clientId", "accountName", "queueServiceUri", "blobServiceUri", "tableServiceUri"];
        Assert.Subset(understood.ToHashSet(StringComparer.Ordinal), suffixes);
        Assert.Contains("credential", suffixes);
        Assert.Contains("queueServiceUri", suffixes);
        Assert.Matches(@"AzureWebJobsStorage__credential:\s*'managedidentity'", BicepFile.Load(MainBicep).Text);
    }

    [Fact]
    public void FunctionsRuntimeVersion_EqualsTheTargetFramework()
    {
        var runtime = FunctionsRuntimePattern().Match(BicepFile.Load(FunctionAppBicep).Text);

        Assert.True(runtime.Success, "function-app.bicep declares no dotnet-isolated runtime block.");
        Assert.Equal(TargetDotnetVersion(), runtime.Groups[1].Value);
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

        var output = Regex.Match(BicepFile.Load(MainBicep).Text, @"^output WEBHOOKS_INTAKE_URL_TEMPLATE string = (.+)$", RegexOptions.Multiline);

        Assert.True(output.Success, "main.bicep has no WEBHOOKS_INTAKE_URL_TEMPLATE output.");
        Assert.Contains("'https://${intakeHost}" + expectedPath + "'", output.Groups[1].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void MainBicep_HasTheOutputsTheToolsRead()
    {
        var outputs = BicepFile.Load(MainBicep).Outputs;

        Assert.Subset(
            outputs.ToHashSet(StringComparer.Ordinal),
            new HashSet<string>(StringComparer.Ordinal) { "AZURE_FUNCTION_APP_NAME", "WEBHOOKS_INTAKE_URL_TEMPLATE", "AZURE_KEY_VAULT_NAME", "AZURE_STORAGE_ACCOUNT_NAME" });
    }

    [Fact]
    public void EveryModuleReference_PointsAtAnExistingFile()
    {
        var references = AllBicepFiles.Value.SelectMany(file => file.Modules.Select(module => (file, module))).ToList();

        Assert.Contains(references, r => r.file.FilePath.EndsWith("main.bicep", StringComparison.Ordinal));
        Assert.All(references, r => Assert.True(File.Exists(r.file.Resolve(r.module)), $"{r.file.FilePath}: module '{r.module.Name}' points at missing {r.module.Path}"));
    }

    [Fact]
    public void EveryModuleCall_PassesDeclaredParamsAndAllRequiredOnes()
    {
        foreach (var file in AllBicepFiles.Value)
        {
            foreach (var module in file.Modules)
            {
                var target = BicepFile.Parse(File.ReadAllText(file.Resolve(module)), file.Resolve(module));
                var where = $"{Path.GetFileName(file.FilePath)} → module '{module.Name}' ({module.Path})";

                Assert.All(module.Params.Keys, key => Assert.True(target.Params.ContainsKey(key), $"{where} passes undeclared param '{key}'."));
                Assert.All(
                    target.Params.Values.Where(p => p.IsRequired),
                    p => Assert.True(module.Params.ContainsKey(p.Name), $"{where} leaves required param '{p.Name}' unset."));
            }
        }
    }

    [Fact]
    public void ParametersFile_SetsOnlyDeclaredParamsAndEveryRequiredOne()
    {
        var main = BicepFile.Load(MainBicep);
        using var parameters = JsonDocument.Parse(RepositoryFiles.Read("infra/main.parameters.json"));
        var names = parameters.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();

        Assert.All(names, name => Assert.True(main.Params.ContainsKey(name), $"main.parameters.json sets '{name}', which main.bicep does not declare."));
        Assert.All(main.Params.Values.Where(p => p.IsRequired), p => Assert.Contains(p.Name, names));
        // Secrets never travel as deployment parameters: they are set in Key Vault by the operator.
        Assert.DoesNotContain("@secure()", main.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void SourceVerificationChoices_AreTheCodeSchemesExceptNone()
    {
        var union = Regex.Match(BicepFile.Load(MainBicep).Text, @"^\s*verification:\s*('[^\n]+)$", RegexOptions.Multiline);
        Assert.True(union.Success, "sourceConfig has no verification union type.");

        var offered = Regex.Matches(union.Groups[1].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var expected = VerificationSchemes.All.Where(s => s != VerificationSchemes.None).ToHashSet(StringComparer.OrdinalIgnoreCase);

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
        Assert.Equal($"'{service.Groups[1].Value}'", Module(BicepFile.Load(MainBicep), "functionApp").Params["serviceName"]);
        Assert.Contains("'azd-service-name': serviceName", BicepFile.Load(FunctionAppBicep).Text, StringComparison.Ordinal);

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
        var exposed = Regex.Match(RepositoryFiles.Read("Dockerfile"), @"(?m)^EXPOSE (\d+)\s*$");
        var targetPort = Regex.Match(BicepFile.Load(ContainerAppBicep).Text, @"(?m)^var containerPort = (\d+)\s*$");

        Assert.True(exposed.Success && targetPort.Success, "Port declaration missing in Dockerfile or container-app.bicep.");
        Assert.Equal(exposed.Groups[1].Value, targetPort.Groups[1].Value);
        Assert.Contains($"Urls=http://+:{exposed.Groups[1].Value}", RepositoryFiles.Read("Dockerfile"), StringComparison.Ordinal);
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
                type = valueType; // any key: a source name, or ${source.name}
            }
            else if (ListElementType(type) is { } elementType)
            {
                Assert.Matches(@"^(\d+|\$\{[^}]+\})$", segment);
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

    private static string StringVariable(BicepFile file, string name)
    {
        var match = Regex.Match(file.Text, $@"(?m)^var {Regex.Escape(name)} = '([^']*)'\s*$");
        Assert.True(match.Success, $"{Path.GetFileName(file.FilePath)} declares no string var '{name}'.");
        return match.Groups[1].Value;
    }

    private static BicepModule Module(BicepFile file, string name) =>
        Assert.Single(file.Modules, m => m.Name == name);

    private static IEnumerable<string> Identifiers(string arrayText) =>
        Regex.Matches(arrayText, @"\b[A-Za-z_]\w*\b").Select(m => m.Value);

    [GeneratedRegex(@"Webhooks__[A-Za-z0-9_${}.]+")]
    private static partial Regex WebhooksSettingPattern();

    [GeneratedRegex(@"AzureWebJobsStorage__(\w+)")]
    private static partial Regex StorageSettingPattern();

    [GeneratedRegex(@"runtime:\s*\{\s*name:\s*'dotnet-isolated'\s*version:\s*'([^']+)'")]
    private static partial Regex FunctionsRuntimePattern();
}
