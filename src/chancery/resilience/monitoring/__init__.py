"""Security monitoring (issue 11, part 2): detectors over sign-in and audit records, alerts to security officers."""
