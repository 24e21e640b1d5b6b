"""Operations: request and job context for logs, structured logging, metrics, health and readiness."""
