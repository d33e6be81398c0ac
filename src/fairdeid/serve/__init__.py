"""The REST service and the review page (``fairdeid serve``).

Import :func:`fairdeid.serve.api.create_app` explicitly: this package must stay importable
without FastAPI installed (it is the ``serve`` extra).
"""
