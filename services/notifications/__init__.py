"""Verteiler, Abos, Moderation, Einwilligungen, E-Mail-Versand, Digests."""
