"""Reflex state shared by several pages. Page-specific substates live beside their pages."""
