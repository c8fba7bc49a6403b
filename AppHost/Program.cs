using Conversations.AppHost.Hosting;
using Conversations.AppHost.Orleans;
using Conversations.AppHost.Postgres;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, AppHostSettings.Switches);
var settings = builder.AddConversationsSettings();
var secrets = builder.AddInstallationSecrets(settings);

var postgres = builder.AddConversationsDatabase(settings);
var engine = builder.AddRealtimeEngine(settings, secrets);
var cluster = builder.AddConversationsCluster(postgres);
builder.AddSilos(settings, secrets, postgres, cluster, engine);

builder.AddReadyBanner();
builder.Build().Run();
