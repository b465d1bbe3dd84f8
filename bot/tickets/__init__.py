""" "Tanya petugas": questions from people to coordinators, routing by scope, answers,
states and escalation.
"""
