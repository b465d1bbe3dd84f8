"""The "Terdampak PHK" pathway: its questions, the content file of offers and JKP facts, and
the service that stores answers and builds the personal summary.
"""
