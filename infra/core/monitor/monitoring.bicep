// Log Analytics + workspace-based Application Insights. Local (instrumentation key) auth is disabled, so telemetry
// is accepted only from identities holding Monitoring Metrics Publisher on the component.

param logAnalyticsName string
param applicationInsightsName string
param location string = resourceGroup().location
param tags object = {}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

output logAnalyticsName string = logs.name
output applicationInsightsName string = appInsights.name
// Not a credential once local auth is off: it only says where to send telemetry.
output applicationInsightsConnectionString string = appInsights.properties.ConnectionString
