"""Behaviour: async functions per domain that take the context and return models or raise."""
