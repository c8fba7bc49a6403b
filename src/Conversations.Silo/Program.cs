using Conversations.ServiceDefaults;
using Conversations.ServiceDefaults.Health;

// Placeholder until the silo lands: service defaults and a Postgres readiness check, so the AppHost can run it.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddHealthChecks().AddPostgresReadyCheck();
var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
