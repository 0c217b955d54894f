"""Steelman: structured debates for communities that argue about hard questions.

The core is platform-free and storage-free; see DESIGN.md for the layering.
"""
