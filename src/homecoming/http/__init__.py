"""What the API and the web UI share over HTTP, so that neither imports the other.

- `deps`: the request's database, settings, search index and user (bearer token or session
  cookie), and the id path parameters;
- `cookies`: the signed session cookie and the CSRF token bound to it;
- `guard`: `requires(capability)`, the one capability check, and which capability a route needs;
- `problems`: every error as RFC 9457 problem details, request ids, the body limit.

`homecoming.app.create_app` is the one entry point: it builds the app and mounts both edges.
"""
