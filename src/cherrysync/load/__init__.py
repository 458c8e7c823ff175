"""Stage 1, load: providers-file bytes and dotenv files into positioned data; round-trip edits."""
