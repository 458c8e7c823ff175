"""Stage 5, plan: target-independent plans (data and diff) and their output formats."""
