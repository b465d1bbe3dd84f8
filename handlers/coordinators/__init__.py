"""Coordinators' and administrators' commands: roles, CSV uploads, statistics and broadcasts."""
