"""Delivery: everything the bot sends goes through here, and nothing is lost or sent twice.

The contract: an update is handled in one database transaction, which records its
``update_id`` and holds its answers as outbox rows (``deferred_replies``,
``replies_outbox``); it is confirmed to Telegram (``polling``) only after that commit.
Messages the bot sends on its own (reminders, broadcasts, notices) are outbox rows too,
written in the transaction that causes them (``outbox``; ``templates`` for those written
at sending time, in the recipient's language). Only ``storage`` writes the rows
(``outbox_repository``; ``receipts`` the delivery receipt); this package decides what to
write and when. One ``sender`` delivers rows
within Telegram's limits (``rate_limit``), writes a receipt the moment Telegram accepts a
message, and recovers rows a dead process had claimed, marking receipted ones sent
instead of sending them again. After the clock moved, ``outbox_replan`` makes rows due when
they should be and frees claims whose lease could not run out; the poller keeps
Telegram's newest message date (``telegram_dates``) for ``bot.clock_sanity``.
"""
