"""The ways in and out: /start and the menu, /bahasa, and the fallback for what no journey
took.
"""
