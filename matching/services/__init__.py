"""The only code that writes matching data: `requests` (meeting requests and bookings) and
`schedule` (the organisers' scheduling runs, hand edits and published versions)."""
