"""Indonesia's provinces, regencies and kecamatan: typed names and their matching, time zones,
and great-circle geometry. Reference data only; no personal data.
"""
