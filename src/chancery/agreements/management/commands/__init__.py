"""``chancery manage`` commands: ``agreements_remind``."""
