"""Stage 2, validate: YAML -> JSON Schema -> typed model -> semantic rules, all offline."""
