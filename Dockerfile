# syntax=docker/dockerfile:1
# The ASP.NET Core host (src/Webhooks.Server): intake endpoints and delivery workers in one process.
#   docker build -t webhooks-server .
#   docker run -p 8080:8080 -e AzureWebJobsStorage="<connection string>" webhooks-server
# In Azure it runs on Container Apps with a managed identity (infra/app/container-app.bicep, docs/deploy.md).

# ---- build ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so the package layer is reused while only code changes.
# Every project Webhooks.Server references is listed (InfraConsistencyTests checks the list).
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Webhooks.Core/Webhooks.Core.csproj src/Webhooks.Core/
COPY src/Webhooks.Hosting/Webhooks.Hosting.csproj src/Webhooks.Hosting/
COPY src/Webhooks.Server/Webhooks.Server.csproj src/Webhooks.Server/
RUN dotnet restore src/Webhooks.Server/Webhooks.Server.csproj

COPY src/ src/
RUN dotnet publish src/Webhooks.Server/Webhooks.Server.csproj \
    --configuration Release --no-restore --output /app/publish -p:UseAppHost=false

# ---- run ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app/publish .

# appsettings.json binds 127.0.0.1:7071 for local runs. The unprefixed Urls variable is what overrides it: app
# configuration (appsettings.json) is read after ASPNETCORE_-prefixed variables, but before plain ones.
ENV ASPNETCORE_URLS=http://+:8080 \
    Urls=http://+:8080
EXPOSE 8080

# The non-root 'app' user the .NET images ship with.
USER $APP_UID
ENTRYPOINT ["dotnet", "Webhooks.Server.dll"]
