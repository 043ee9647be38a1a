"""Reminders: the list of what falls due per centre, the weekly e-mail
digest to the consultant, and an iCalendar feed per user."""
