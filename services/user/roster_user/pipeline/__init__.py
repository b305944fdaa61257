"""What wraps every call, outermost first: spans, metrics, auth, the error boundary, limits."""
