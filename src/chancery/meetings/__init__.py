"""Video meetings on the ministry's own Jitsi Meet deployment, with signed tokens and iCalendar invitations."""
