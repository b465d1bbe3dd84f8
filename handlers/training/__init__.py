"""Batches, enrolment, /jadwal, attendance answers and /kelayakan."""
