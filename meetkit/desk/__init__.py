"""The registration desk: sign-in, presence, device custody, attendance."""
