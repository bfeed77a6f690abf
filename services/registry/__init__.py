"""Das Beratungsstellen-Register: Regionen, Gruppen, Beratungsstellen, Berater:innen, Erhebungen."""
