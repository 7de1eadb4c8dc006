"""The HTTP API: one small router per resource."""
