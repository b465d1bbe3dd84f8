"""What every journey's handlers share: callback data, keyboards, replies, rendering helpers,
the catch-all retry routers, role filters and the errors router.
"""
