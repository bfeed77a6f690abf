"""The gateway's web pages: templates, static files, security middleware, sign-in and roles."""
