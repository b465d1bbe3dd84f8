"""BLK entrepreneurship training Telegram bot."""
