"""Signed webhooks for partner systems (issue 11, part 3): subscriptions, deliveries, retries, replay."""
