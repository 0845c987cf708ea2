"""Venue and room checklists: built-in templates written from the rules, instances per room,
append-only results with photos, follow-ups, inspector sign-off, and the lifecycle gates
that depend on them (before 'in session' and before 'closed')."""
