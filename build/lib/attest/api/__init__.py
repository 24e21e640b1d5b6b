"""The REST shell: FastAPI routes over the core, the store and the worker. Only this package speaks HTTP."""
