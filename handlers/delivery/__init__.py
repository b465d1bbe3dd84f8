"""Rendering queued notices (reminders, promotions) in the recipient's language at send time."""
