"""Wiring: settings, keys, the services built once, the dispatcher, polling runner, background
jobs, flood limit, i18n, CLI and console. The only package that imports ``handlers``; nothing
else imports it.
"""
