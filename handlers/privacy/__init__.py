"""The person's own data: /datasaya and /hapusdata."""
