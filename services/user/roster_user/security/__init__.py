"""TLS credentials and the JWT, JWKS and scope machinery."""
