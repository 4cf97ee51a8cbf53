"""Settings, URL routing, the one NinjaAPI and the ASGI entry point."""
