// Webhooks on Azure: one resource group with storage (queues + payload blobs), Key Vault, monitoring, and either a
// Flex Consumption Function App (default) or a Container App running the ASP.NET Core host.
// Deploy with `azd up` (main.parameters.json) or `az deployment sub create` - see docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; seeds the resource names and tags every resource with azd-env-name.')
param environmentName string

@minLength(1)
@description('Region for every resource. Must offer Flex Consumption when deployTarget is functions.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or pipeline; gets Key Vault Secrets Officer (to set secrets) and Storage Queue Data Contributor (to inspect and replay). Empty to skip.')
param principalId string = ''

@description('functions: Flex Consumption Function App (azd deploys src/Webhooks.Functions). containerapp: the ASP.NET Core host from the Dockerfile on Container Apps.')
@allowed([
  'functions'
  'containerapp'
])
param deployTarget string = 'functions'

@description('containerapp only: the image to run. While empty, everything but the Container App is provisioned, so secrets can be set before the first revision needs them.')
param containerImage string = ''

@description('containerapp only: resource id of the Azure Container Registry holding the image (AcrPull is granted to the app). Empty for a public image.')
param containerRegistryResourceId string = ''

@description('Name of the Key Vault secret holding the admin API key (x-api-key on /api/admin/*).')
param adminKeySecretName string = 'webhooks-admin-key'

@description('Days after which large-payload blobs are deleted by the lifecycle rule; a dead-lettered large delivery can be replayed only within this window.')
@minValue(1)
param payloadRetentionDays int = 30

@description('Delivery queues intake spreads over (Webhooks__Queues__Count): webhooks-deliveries, webhooks-deliveries-1, ... Each is created with its -poison twin and drained by both hosts: the Function App has one queue trigger per queue for up to 8 (DeliverWebhook, DeliverWebhook1 ... DeliverWebhook7; those past the count are disabled), and the Container App scales on every queue. Raise it when the sustained rate nears ~2,000 deliveries/s per queue (docs/scale.md).')
@minValue(1)
@maxValue(8)
param deliveryQueueCount int = 1

@description('Upper bound on Flex instances.')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@description('Upper bound on Container App replicas.')
@minValue(1)
@maxValue(300)
param containerMaxReplicas int = 10

@description('One webhook source. Secret VALUES live in Key Vault; only their names appear here.')
type sourceConfig = {
  @description('Route segment (/api/webhooks/<name>) and configuration key. Letters and digits only: App Service rewrites other characters in setting names.')
  @minLength(1)
  name: string

  @description('Verification scheme. (none is refused outside Development and is not offered here.)')
  verification: 'standard-webhooks' | 'github' | 'stripe' | 'slack' | 'hmac-sha256' | 'api-key'

  @description('Absolute https URL the delivery worker forwards to.')
  targetUrl: string

  @description('Key Vault secret holding the verification secret (letters, digits, hyphens).')
  secretName: string

  @description('During rotation only: a second Key Vault secret accepted alongside secretName.')
  nextSecretName: string?
}

@description('The webhook sources. Names and secret NAMES only; set the values with `az keyvault secret set`.')
param sources sourceConfig[] = []

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// Queue names equal the code's defaults (QueueNamesOptions); InfraConsistencyTests keeps the two in step.
var deliveriesQueueName = 'webhooks-deliveries'
var deadLetterQueueName = 'webhooks-deadletter'
// Named as QueueNamesOptions.DeliveryQueueName does: queue 0 keeps the one-queue name, queue N is '<name>-N'.
var deliveryQueueNames = map(
  range(0, deliveryQueueCount),
  index => index == 0 ? deliveriesQueueName : '${deliveriesQueueName}-${index}'
)
// The Functions host moves a message it failed to process maxDequeueCount times to '<queue>-poison'.
var poisonQueueNames = map(deliveryQueueNames, queueName => '${queueName}-poison')
var payloadContainerName = 'webhooks-payloads'
var deploymentContainerName = 'deployment-package'

var deployFunctions = deployTarget == 'functions'
var deployContainerApp = deployTarget == 'containerapp' && !empty(containerImage)

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    queueNames: concat(deliveryQueueNames, poisonQueueNames, [deadLetterQueueName])
    containerNames: [
      deploymentContainerName
      payloadContainerName
    ]
    payloadContainerName: payloadContainerName
    payloadRetentionDays: payloadRetentionDays
  }
}

module keyVault 'core/security/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module userAccess 'app/user-access.bicep' = if (!empty(principalId)) {
  name: 'user-access'
  scope: rg
  params: {
    principalId: principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

// ---- Settings both hosts read (docs/deploy.md lists them) ----

// Identity-based connection: the Functions host and our QueueServiceClient.FromConfiguration read the same names.
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint
}

var sourceSettings = reduce(
  sources,
  {},
  (all, source) => union(all, {
    'Webhooks__Sources__${source.name}__Verification': source.verification
    'Webhooks__Sources__${source.name}__Target__Url': source.targetUrl
  })
)

var webhooksSettings = union(
  {
    Webhooks__Queues__Deliveries: deliveriesQueueName
    Webhooks__Queues__Count: string(deliveryQueueCount)
    Webhooks__Queues__DeadLetter: deadLetterQueueName
  },
  sourceSettings
)

var rotatingSources = filter(sources, source => !empty(source.?nextSecretName ?? ''))

// Settings whose values are Key Vault secrets; each host turns them into its own kind of reference.
var secretSettings = concat(
  [
    {
      name: 'Webhooks__Admin__ApiKeys__0'
      secretName: adminKeySecretName
    }
  ],
  map(sources, source => {
    name: 'Webhooks__Sources__${source.name}__Secrets__0'
    secretName: source.secretName
  }),
  map(rotatingSources, source => {
    name: 'Webhooks__Sources__${source.name}__Secrets__1'
    secretName: source.?nextSecretName ?? ''
  })
)

// ---- Functions path ----

// The Functions app has a queue trigger for each of 8 delivery queues (DeliverWebhook.WiredQueueCount): DeliverWebhook
// for queue 0, DeliverWebhook1 ... DeliverWebhook7 for the others. Those past the count are disabled with the
// documented per-function setting, so no listener polls a queue that was never created.
var functionsDeliveryTriggerCount = 8
var disabledDeliveryTriggers = reduce(
  range(deliveryQueueCount, functionsDeliveryTriggerCount - deliveryQueueCount),
  {},
  (all, index) => union(all, {
    'AzureWebJobs.DeliverWebhook${index}.Disabled': 'true'
  })
)

module functionApp 'app/function-app.bicep' = if (deployFunctions) {
  name: 'function-app'
  scope: rg
  params: {
    name: 'func-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    maximumInstanceCount: functionMaximumInstanceCount
  }
}

module functionAppRbac 'app/rbac.bicep' = if (deployFunctions) {
  name: 'function-app-rbac'
  scope: rg
  params: {
    principalId: deployFunctions ? functionApp!.outputs.principalId : ''
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    blobRole: 'Storage Blob Data Owner'
  }
}

// Applied after the roles exist so Key Vault references and the identity-based storage connection work on the
// restart this triggers, rather than failing on the app's very first start.
module functionAppSettings 'app/function-app-settings.bicep' = if (deployFunctions) {
  name: 'function-app-settings'
  scope: rg
  params: {
    functionAppName: deployFunctions ? functionApp!.outputs.name : ''
    keyVaultUri: keyVault.outputs.uri
    secretSettings: secretSettings
    settings: union(storageSettings, webhooksSettings, disabledDeliveryTriggers, {
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
      // Entra ID ingestion with the system-assigned identity (local auth is disabled on the component).
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
    })
  }
  dependsOn: [
    functionAppRbac
  ]
}

// ---- Container path ----

module containerApp 'app/container-app.bicep' = if (deployContainerApp) {
  name: 'container-app'
  scope: rg
  params: {
    name: 'ca-${resourceToken}'
    environmentName: 'cae-${resourceToken}'
    identityName: 'id-${resourceToken}'
    location: location
    tags: tags
    image: containerImage
    registryResourceId: containerRegistryResourceId
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    keyVaultUri: keyVault.outputs.uri
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    settings: union(storageSettings, webhooksSettings)
    secretSettings: secretSettings
    deliveryQueueNames: deliveryQueueNames
    maxReplicas: containerMaxReplicas
  }
}

var intakeHost = deployFunctions
  ? functionApp!.outputs.defaultHostName
  : (deployContainerApp ? containerApp!.outputs.fqdn : '')

// ---- Outputs (azd stores them in .azure/<env>/.env) ----

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = deployFunctions ? functionApp!.outputs.name : ''
output AZURE_CONTAINER_APP_NAME string = deployContainerApp ? containerApp!.outputs.name : ''
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
// What `webhooks sources url` fills in: replace {source} with a source name and register the result with the provider.
output WEBHOOKS_INTAKE_URL_TEMPLATE string = empty(intakeHost) ? '' : 'https://${intakeHost}/api/webhooks/{source}'
