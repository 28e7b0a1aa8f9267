// The Function App on the Flex Consumption plan, with a system-assigned identity. App settings are applied later by
// function-app-settings.bicep, once the identity holds its roles (see main.bicep for why).

param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('The azd service this app hosts; must equal the service name in azure.yaml.')
param serviceName string = 'api'

@description('Blob endpoint of the storage account, with trailing slash.')
param storageBlobEndpoint string

@description('Container Flex reads the deployment package from.')
param deploymentContainerName string

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Flex takes the runtime from here, not from FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app settings
    // (both are unsupported on Flex; the host is always 4.x).
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Must be the catalog value '10.0' (not '10'): ARM accepts an unknown version and the host then never starts.
      // Kept equal to Directory.Build.props' TargetFramework by InfraConsistencyTests.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
