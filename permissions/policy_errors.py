"""The error a broken policy file raises at start-up, importable without loading the policy."""


class MatrixError(ValueError):
    """The matrix file is not valid; the message names the row."""
