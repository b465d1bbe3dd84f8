"""The broadcast journey (/siaran): compose, audience and preview, send, progress."""
