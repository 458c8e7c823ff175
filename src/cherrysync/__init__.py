"""cherrysync: Cherry Studio AI providers as code."""

__version__ = "0.1.0"
