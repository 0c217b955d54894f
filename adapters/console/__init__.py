"""The console adapter: a local chat room in the terminal, and the scripted demo. No token needed."""
