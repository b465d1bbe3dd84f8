"""The BLK directory: the packaged seed, coordinators' BLK CSV imports and the nearest-BLK
lookup over an in-memory snapshot.
"""
