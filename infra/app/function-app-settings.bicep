// The Function App's complete app settings. A separate deployment that main.bicep runs after the role assignments:
// writing settings restarts the app, so its Key Vault references resolve with the Key Vault Secrets User role in
// place instead of failing on first start. This resource owns ALL settings; anything set by hand is replaced.

param functionAppName string

@description('Plain settings (name -> value).')
param settings object

@description('Settings whose value is a Key Vault secret: [{ name, secretName }].')
param secretSettings array

@description('Vault URI with trailing slash, e.g. https://kv-x.vault.azure.net/')
param keyVaultUri string

// Versionless references: the platform picks up a new secret version within 24 h, or at once on restart.
var secretReferences = reduce(
  secretSettings,
  {},
  (all, setting) => union(all, {
    '${setting.name}': '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${setting.secretName}/)'
  })
)

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(settings, secretReferences)
}
