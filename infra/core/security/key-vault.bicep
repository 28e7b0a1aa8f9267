// Holds the admin API key and every source's verification secret. The template creates the vault only: secret
// VALUES are set by the operator with `az keyvault secret set` (docs/deploy.md) and never pass through parameters.

@description('Vault name: 3-24 letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(24)
param name string

param location string = resourceGroup().location
param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Access by Azure RBAC roles (Key Vault Secrets User for the app), not by access policies.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // enablePurgeProtection is deliberately left unset: once on it can never be turned off, and `azd down --purge`
    // could then not release the vault name for 90 days. Turn it on for production vaults you never tear down.
    // App Service resolves Key Vault references over the public endpoint unless the app is VNet-integrated.
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
