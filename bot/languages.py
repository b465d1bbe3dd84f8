"""The languages the bot speaks. Indonesian comes first: the default, and the text a content
file must always have."""

SUPPORTED_LOCALES = ("id", "en")
