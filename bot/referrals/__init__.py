"""Where to turn after the training ("Langkah berikutnya"): capital, licences, business
support and markets, from a content file with sources."""
