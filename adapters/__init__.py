"""Platform adapters: translate platform events to core commands and core messages to the platform."""
