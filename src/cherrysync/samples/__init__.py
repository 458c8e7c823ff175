"""Realistic Cherry Studio data (a 1.x backup, a 2.x database) for the demo and the tests."""
