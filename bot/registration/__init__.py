"""Registration: what a participant tells us (name, NIK, phone, birth date, domicile,
business, PHK) parsed and checked, personal data encrypted at rest, and the registration
service that stores it.
"""
