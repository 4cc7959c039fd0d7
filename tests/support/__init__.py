"""Helpers the tests share (paths, the page driver, Pyodide loader, media makers, oracles):
imported as `support.<module>`; nothing here is collected as a test."""
