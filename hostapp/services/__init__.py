"""Business services of the host: each module owns one concern."""
