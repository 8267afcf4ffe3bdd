# Package for the vendored hcx.py, so that its relative import `from .base import …` resolves to the stub base.py.
