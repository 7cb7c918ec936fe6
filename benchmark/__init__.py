"""The performance benchmark (`make benchmark`): our pages against a bare Django view.

Nothing here is part of the application: `benchmark.settings` and `benchmark.urls` serve only
the bare reference view, in a second gunicorn started by `python -m benchmark`.
"""
