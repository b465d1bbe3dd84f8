"""The FAQ: entries from a content file and the matcher that answers typed, informal
questions.
"""
