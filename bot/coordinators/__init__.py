"""Coordinators' powers: roles and scopes, broadcast audiences and broadcasts, statistics
and CSV uploads.
"""
