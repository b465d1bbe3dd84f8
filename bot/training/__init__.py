"""Training batches: eligibility rules, seats and the waitlist, enrolment, rescheduling,
reminders before a batch and the batch schedule CSV.
"""
