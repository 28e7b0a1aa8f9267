// The container path: the ASP.NET Core host (Dockerfile at the repo root) on Azure Container Apps, scaled by KEDA's
// azure-queue scaler on every delivery queue's backlog plus HTTP concurrency for intake.
//
// Identity: a user-assigned identity rather than a system-assigned one. Container Apps resolves Key Vault secrets
// and pulls the image while creating the first revision; a system identity does not exist (let alone hold roles)
// until then, so the first deployment would fail. A user identity gets its roles before the app is created.

param name string
param environmentName string
param identityName string
param location string = resourceGroup().location
param tags object = {}

@description('Image to run, e.g. myregistry.azurecr.io/webhooks-server:1.0.0')
param image string

@description('Resource id of an Azure Container Registry to pull from with the identity (AcrPull is granted). Empty for a public image.')
param registryResourceId string = ''

param logAnalyticsName string
param storageAccountName string
param keyVaultName string

@description('Vault URI with trailing slash.')
param keyVaultUri string

param applicationInsightsName string
param applicationInsightsConnectionString string

@description('Plain environment variables (name -> value), identity-based AzureWebJobsStorage__* included.')
param settings object

@description('Environment variables whose value is a Key Vault secret: [{ name, secretName }].')
param secretSettings array

@description('Every delivery queue; each one\'s length drives scale-out (KEDA scales to the largest need).')
@minLength(1)
param deliveryQueueNames string[]

@description('Target backlog per replica before KEDA adds one.')
@minValue(1)
param queueLengthPerReplica int = 50

@description('At least one replica: the delivery workers poll the queue from inside the app, so zero replicas would stop delivery while the queue scaler waits for its next check.')
@minValue(1)
param minReplicas int = 1

@minValue(1)
@maxValue(300)
param maxReplicas int = 10

// Kept equal to the Dockerfile's EXPOSE by InfraConsistencyTests.
var containerPort = 8080

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

module rbac 'rbac.bicep' = {
  name: 'container-app-rbac'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    applicationInsightsName: applicationInsightsName
    blobRole: 'Storage Blob Data Contributor'
  }
}

// ARM evaluates a module's scope even when its condition is false: with a public image (no registry id) a bare
// split(registryResourceId, '/')[2] fails validation, so an empty id stands in for this resource group.
var registryIdSegments = split(
  empty(registryResourceId)
    ? '/subscriptions/${subscription().subscriptionId}/resourceGroups/${resourceGroup().name}'
    : registryResourceId,
  '/'
)

module registryAccess 'registry-access.bicep' = if (!empty(registryResourceId)) {
  name: 'container-app-registry-access'
  scope: resourceGroup(registryIdSegments[2], registryIdSegments[4])
  params: {
    registryName: last(registryIdSegments)
    principalId: identity.properties.principalId
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var identityId = identity.id

// One KEDA azure-queue rule per delivery queue (a rule watches one queue), authenticated with the app's identity
// instead of a connection string. The app scales out as soon as any rule asks for more replicas (the largest count
// wins), so a backlog on any one queue is enough. Queue 0's rule keeps the name one-queue deployments already have.
var queueScaleRules = map(range(0, length(deliveryQueueNames)), index => {
  name: index == 0 ? 'deliveries-backlog' : 'deliveries-backlog-${index}'
  azureQueue: {
    accountName: storageAccountName
    queueName: deliveryQueueNames[index]
    queueLength: queueLengthPerReplica
    identity: identityId
  }
})

// Container Apps secret names allow lowercase letters, digits and '-': Webhooks__Admin__ApiKeys__0 -> webhooks-admin-apikeys-0.
var secrets = map(secretSettings, setting => {
  name: toLower(replace(setting.name, '__', '-'))
  // Versionless: Container Apps re-reads the secret periodically and restarts the revision on a new version.
  keyVaultUrl: '${keyVaultUri}secrets/${setting.secretName}'
  identity: identityId
})

var secretEnvironment = map(secretSettings, setting => {
  name: setting.name
  secretRef: toLower(replace(setting.name, '__', '-'))
})

// DefaultAzureCredential and the AzureWebJobsStorage__* reader both need the client id to pick a user identity.
var identityEnvironment = {
  AZURE_CLIENT_ID: identity.properties.clientId
  AzureWebJobsStorage__clientId: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
}

var plainEnvironment = map(items(union(settings, identityEnvironment)), setting => {
  name: setting.key
  value: setting.value
})

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: containerPort
        transport: 'auto'
        allowInsecure: false
      }
      secrets: secrets
      registries: empty(registryResourceId)
        ? []
        : [
            {
              server: registryAccess!.outputs.loginServer
              identity: identityId
            }
          ]
    }
    template: {
      containers: [
        {
          name: 'webhooks'
          image: image
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(plainEnvironment, secretEnvironment)
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/api/health'
                port: containerPort
              }
              periodSeconds: 10
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/api/health'
                port: containerPort
              }
              periodSeconds: 5
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: concat(queueScaleRules, [
          {
            name: 'intake-concurrency'
            http: {
              metadata: {
                concurrentRequests: '100'
              }
            }
          }
        ])
      }
    }
  }
  dependsOn: [
    rbac
  ]
}

output name string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
output principalId string = identity.properties.principalId
