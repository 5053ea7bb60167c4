"""The policy as data plus one small engine: vocabulary, matrix, decisions, guards, auth."""
