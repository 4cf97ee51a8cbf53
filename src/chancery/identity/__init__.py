"""Users, roles, clearances, MFA enforcement, sessions and personal API tokens."""
