"""Use cases of the gateway itself: issuing, checking and revoking API tokens."""
