using Conversations.ServiceDefaults;

// Placeholder until the engine lands: service defaults, so the AppHost can run it.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
