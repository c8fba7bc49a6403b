using Conversations.Gateway.Api;
using Conversations.Gateway.Auth;
using Conversations.Gateway.Hosting;
using Conversations.Gateway.Realtime;
using Conversations.Grains.Hosting;
using Conversations.ServiceDefaults;
using Conversations.ServiceDefaults.Health;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddHealthChecks().AddPostgresReadyCheck();
builder.AddConversationGrains();
builder.AddConversationsGateway();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapRealtimeGateway();
app.MapConversationsApi();
app.MapCharactersApi();
app.MapAlertsApi();
app.MapDashboardApi();
app.MapClientSecretsApi();
app.MapDevelopmentTokens();
app.MapConversationsPages();
await app.RunAsync();
