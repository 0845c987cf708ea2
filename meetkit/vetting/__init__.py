"""Attendee vetting: reading the lists units send in, checking them, the chair's decisions."""
