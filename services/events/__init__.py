"""Aktionsplanung: gemeinsame Aktionen, Einladungen, Arbeitsplan (V/T), Fortschrittsberichte."""
