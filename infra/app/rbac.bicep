// Data-plane roles for the app's managed identity. Shared by the Function App and the Container App so both hosts
// get the same access. Deployed as its own module so the principal id (known only once the identity exists) is a
// parameter here, which keeps the role-assignment names deterministic.

@description('Object id of the managed identity.')
param principalId string

@description('Storage account holding the queues, payload blobs and host state.')
param storageAccountName string

param keyVaultName string
param applicationInsightsName string

@description('Owner for the Function App (Flex writes its deployment package with it); Contributor is enough for the container.')
@allowed([
  'Storage Blob Data Owner'
  'Storage Blob Data Contributor'
])
param blobRole string

// Built-in role definition ids (identical in every tenant).
var roleIds = {
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb'
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6'
}

// Blobs: host keys/leases, payload claim checks. Queues: intake, workers, dead-letter, poison inspection.
// Tables: the identity-based AzureWebJobsStorage connection also names the table endpoint, kept usable for the
// durable dedup record (issue 7) so that choice does not need an infra change.
var storageRoles = [
  blobRole
  'Storage Queue Data Contributor'
  'Storage Table Data Contributor'
]

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, principalId, roleIds[role])
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds[role])
      principalId: principalId
      // Stated explicitly so a just-created identity is not rejected before it replicates.
      principalType: 'ServicePrincipal'
    }
  }
]

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleIds['Key Vault Secrets User'])
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds['Key Vault Secrets User'])
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roleIds['Monitoring Metrics Publisher'])
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds['Monitoring Metrics Publisher'])
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
