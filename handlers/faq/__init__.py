"""Typed questions outside a conversation, and /faq by topic."""
