"""Who may do what at the edge: roles and scopes of API tokens (pure Python)."""
