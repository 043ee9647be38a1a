"""The security consultant and deputies, their appointment and hours,
and the notification to the supervisor."""
