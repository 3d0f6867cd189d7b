"""HTTP edge: the FastAPI app. Only a shell over the services."""
