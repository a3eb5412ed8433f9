"""fastlint: a static analyzer for FastAPI codebases."""

__version__ = "0.1.0"
