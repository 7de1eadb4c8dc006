"""The HTTP edge: the FastAPI application, its guard, dependencies and routers."""
