"""Badges: signed tokens, badge rendering, print sheets and the issue register."""
