"""What every journey's handlers share: the `Blueprint` they register on, callback data,
keyboards, replies, rendering helpers, the catch-all retry routers, role filters, the "/"
menu and the errors router.
"""
