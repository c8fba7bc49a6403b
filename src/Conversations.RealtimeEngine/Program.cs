using Conversations.RealtimeEngine;
using Conversations.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRealtimeEngine();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRealtimeEngine();
app.Run();
